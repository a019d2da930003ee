using System.Globalization;

namespace Herald.Cli.Commands.Info;

/// <summary>Picks the main figures out of parsed <c>INFO</c> sections.</summary>
internal static class InfoSummaryBuilder
{
    public static InfoSummary Build(IReadOnlyDictionary<string, Dictionary<string, string>> sections)
    {
        string? Text(string section, string field) =>
            sections.TryGetValue(section, out var fields) && fields.TryGetValue(field, out var value) ? value : null;

        long? Number(string section, string field) =>
            long.TryParse(Text(section, field), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

        var role = Text("replication", "role");
        var primaryHost = Text("replication", "master_host");
        var keyspace = sections.TryGetValue("keyspace", out var databases)
            ? databases.Select(static db => ToKeyspaceEntry(db.Key, db.Value)).ToList()
            : [];

        return new InfoSummary(
            Version: Text("server", "redis_version"),
            Mode: Text("server", "redis_mode"),
            Role: role,
            ConnectedReplicas: role == "master" ? (int?)Number("replication", "connected_slaves") : null,
            PrimaryEndpoint: primaryHost is null ? null : $"{primaryHost}:{Text("replication", "master_port")}",
            PrimaryLinkStatus: Text("replication", "master_link_status"),
            UptimeSeconds: Number("server", "uptime_in_seconds"),
            ConnectedClients: Number("clients", "connected_clients"),
            BlockedClients: Number("clients", "blocked_clients"),
            UsedMemoryBytes: Number("memory", "used_memory"),
            UsedMemoryHuman: Text("memory", "used_memory_human"),
            PeakMemoryHuman: Text("memory", "used_memory_peak_human"),
            MaxMemoryBytes: Number("memory", "maxmemory"),
            MaxMemoryHuman: Text("memory", "maxmemory_human"),
            MaxMemoryPolicy: Text("memory", "maxmemory_policy"),
            OpsPerSecond: Number("stats", "instantaneous_ops_per_sec"),
            TotalCommandsProcessed: Number("stats", "total_commands_processed"),
            Keyspace: keyspace);
    }

    private static KeyspaceEntry ToKeyspaceEntry(string database, string value)
    {
        var counters = InfoText.ParseCounters(value);
        return new KeyspaceEntry(
            database,
            counters.GetValueOrDefault("keys"),
            counters.GetValueOrDefault("expires"),
            counters.GetValueOrDefault("avg_ttl"));
    }
}
