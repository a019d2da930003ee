namespace Herald.Cli.Commands.Info;

/// <summary>The JSON shape of <c>herald info --json</c>: the main figures, and every field as Redis sent it.</summary>
/// <param name="Url">The URL connected to, without password.</param>
/// <param name="Section">The section asked for, or null for the default set.</param>
/// <param name="Summary">The main figures, null where the section asked for does not carry them.</param>
/// <param name="Sections">Every field of every section returned, by lower-case section name.</param>
internal sealed record InfoResult(
    string Url,
    string? Section,
    InfoSummary Summary,
    IReadOnlyDictionary<string, Dictionary<string, string>> Sections);

/// <summary>The main figures of an <c>INFO</c> reply.</summary>
internal sealed record InfoSummary(
    string? Version,
    string? Mode,
    string? Role,
    int? ConnectedReplicas,
    string? PrimaryEndpoint,
    string? PrimaryLinkStatus,
    long? UptimeSeconds,
    long? ConnectedClients,
    long? BlockedClients,
    long? UsedMemoryBytes,
    string? UsedMemoryHuman,
    string? PeakMemoryHuman,
    long? MaxMemoryBytes,
    string? MaxMemoryHuman,
    string? MaxMemoryPolicy,
    long? OpsPerSecond,
    long? TotalCommandsProcessed,
    IReadOnlyList<KeyspaceEntry> Keyspace);

/// <summary>One database of the <c>keyspace</c> section.</summary>
/// <param name="Database">The name Redis gives it, such as <c>db0</c>.</param>
/// <param name="Keys">Number of keys.</param>
/// <param name="Expires">Keys with a time to live.</param>
/// <param name="AverageTtlMilliseconds">Average time to live of the expiring keys.</param>
internal sealed record KeyspaceEntry(string Database, long Keys, long Expires, long AverageTtlMilliseconds);
