using Herald.Keys;

namespace Herald.Security;

/// <summary>
/// One service as a Redis ACL user sees it: its name and password, the key prefix of its bus, and the
/// destinations it publishes to and consumes. <see cref="AclPlan.Create"/> turns it into <c>ACL SETUSER</c>
/// rules that allow exactly that and nothing else.
/// </summary>
public sealed class AclService
{
    /// <summary>The Redis user name (required): letters, digits and <c>_ - . @ :</c>.</summary>
    public string User { get; set; } = string.Empty;

    /// <summary>The password in clear; the plan carries only its SHA-256 (<c>#…</c>), so printed rules reveal nothing.</summary>
    public string? Password { get; set; }

    /// <summary>The password's SHA-256 as 64 hex digits, for when the clear text is not at hand.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Let the user log in with any password (<c>nopass</c>): only for trusted networks and tests.</summary>
    public bool NoPassword { get; set; }

    /// <summary>The key prefix of the service's bus (<see cref="HeraldOptions.KeyPrefix"/>). Default <c>herald</c>.</summary>
    public string KeyPrefix { get; set; } = KeySchema.DefaultPrefix;

    /// <summary>Destinations the service publishes to: streams, queues and channels.</summary>
    public IList<Destination> Publish { get; } = [];

    /// <summary>Destinations the service consumes: streams, queues, channels and patterns.</summary>
    public IList<Destination> Consume { get; } = [];

    /// <summary>
    /// True when the service enqueues or runs tasks (Herald.Tasks) on its queues: it may then also read and write
    /// task states, wait for results, hear and send terminations, draw on task rate limits and keep periodic
    /// schedule records. List the task queues themselves in <see cref="Publish"/> and <see cref="Consume"/>.
    /// </summary>
    public bool Tasks { get; set; }

    /// <summary>
    /// The Redis version the rules are for; null means 7.0, the oldest with the ACL syntax used. From 7.2 on
    /// the client's <c>CLIENT SETINFO</c> is allowed too (7.0 does not know the subcommand and would refuse the rule).
    /// </summary>
    public Version? RedisVersion { get; set; }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(User) || !User.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or ':'))
        {
            throw new InvalidOptionException(nameof(User), $"must be a user name of letters, digits and _ - . @ : (it is '{User}').");
        }

        var given = (Password is null ? 0 : 1) + (PasswordHash is null ? 0 : 1) + (NoPassword ? 1 : 0);
        if (given != 1)
        {
            throw new InvalidOptionException(nameof(Password), $"must be set, or {nameof(PasswordHash)}, or {nameof(NoPassword)}: exactly one of them (found {given}).");
        }

        if (Password is { Length: 0 })
        {
            throw new InvalidOptionException(nameof(Password), "must not be empty.");
        }

        if (PasswordHash is not null && (PasswordHash.Length != 64 || !PasswordHash.All(char.IsAsciiHexDigit)))
        {
            throw new InvalidOptionException(nameof(PasswordHash), "must be a SHA-256 as 64 hexadecimal digits.");
        }

        try
        {
            _ = new KeySchema(KeyPrefix);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOptionException(nameof(KeyPrefix), $"is invalid: {exception.Message}", exception);
        }

        if (Publish.Count + Consume.Count == 0)
        {
            throw new InvalidOptionException(nameof(Publish), $"or {nameof(Consume)} must name at least one destination.");
        }

        if (Publish.FirstOrDefault(static d => d.Kind == DestinationKind.Pattern) is { Name: not null } pattern)
        {
            throw new InvalidOptionException(nameof(Publish), $"cannot hold the pattern '{pattern}': patterns are for consuming, publish to channels.");
        }
    }
}
