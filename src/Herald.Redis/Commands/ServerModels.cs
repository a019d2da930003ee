namespace Herald.Redis.Commands;

/// <summary>The kind of a client connection, as <c>CLIENT LIST</c>/<c>CLIENT KILL TYPE</c> name them.</summary>
public enum ClientType
{
    /// <summary><c>normal</c>: an ordinary client.</summary>
    Normal,

    /// <summary><c>master</c>: this server's primary, seen from a replica.</summary>
    Primary,

    /// <summary><c>replica</c>: a replica connected to this server.</summary>
    Replica,

    /// <summary><c>pubsub</c>: a client in subscribed mode.</summary>
    PubSub,
}

/// <summary>Which clients <c>CLIENT KILL</c> closes: every filter that is set must match.</summary>
public readonly record struct ClientKillFilter
{
    /// <summary><c>ID id</c>: the connection with this id.</summary>
    public long? Id { get; init; }

    /// <summary><c>ADDR ip:port</c>: the connection from this address.</summary>
    public string? Address { get; init; }

    /// <summary><c>LADDR ip:port</c>: connections to this local address of the server.</summary>
    public string? LocalAddress { get; init; }

    /// <summary><c>TYPE t</c>: connections of this kind.</summary>
    public ClientType? Type { get; init; }

    /// <summary><c>USER name</c>: connections authenticated as this user.</summary>
    public string? User { get; init; }

    /// <summary><c>SKIPME yes|no</c>: whether the calling connection is spared (the server's default is yes).</summary>
    public bool? SkipMe { get; init; }

    /// <summary>The filter as <c>CLIENT KILL</c> arguments.</summary>
    internal RedisArg[] ToArguments()
    {
        var args = new RedisArg[1 + (2 * ((Id.HasValue ? 1 : 0) + (Address is null ? 0 : 1) + (LocalAddress is null ? 0 : 1)
            + (Type.HasValue ? 1 : 0) + (User is null ? 0 : 1) + (SkipMe.HasValue ? 1 : 0)))];
        if (args.Length == 1)
        {
            throw new ArgumentException("A CLIENT KILL filter needs at least one condition; an empty one would kill every other client.");
        }

        args[0] = "KILL";
        var index = 1;
        index = Write(args, index, "ID", Id);
        index = Write(args, index, "ADDR", Address);
        index = Write(args, index, "LADDR", LocalAddress);
        index = Write(args, index, "TYPE", Type is { } type ? ServerReplies.ToToken(type) : null);
        index = Write(args, index, "USER", User);
        Write(args, index, "SKIPME", SkipMe is { } skip ? (skip ? "yes" : "no") : null);
        return args;
    }

    private static int Write(RedisArg[] args, int index, string name, string? value)
    {
        if (value is not null)
        {
            args[index++] = name;
            args[index++] = value;
        }

        return index;
    }

    private static int Write(RedisArg[] args, int index, string name, long? value)
    {
        if (value is { } number)
        {
            args[index++] = name;
            args[index++] = number;
        }

        return index;
    }
}

/// <summary>One connection as <c>CLIENT LIST</c> reports it.</summary>
/// <param name="Id">The connection id.</param>
/// <param name="Address">The client's <c>ip:port</c>.</param>
/// <param name="Name">The name set with <c>CLIENT SETNAME</c>, or empty.</param>
/// <param name="Age">How long the connection has been open.</param>
/// <param name="Idle">How long since its last command.</param>
/// <param name="Database">The selected database.</param>
/// <param name="LastCommand">The last command it ran.</param>
/// <param name="Properties">Every field of the line, by name (<c>flags</c>, <c>laddr</c>, <c>sub</c>, …).</param>
public sealed record ClientInfo(long Id, string Address, string Name, TimeSpan Age, TimeSpan Idle, int Database, string LastCommand, IReadOnlyDictionary<string, string> Properties);

/// <summary>What <c>ROLE</c> reports.</summary>
/// <param name="Role"><c>master</c>, <c>slave</c> or <c>sentinel</c>, as the server says.</param>
/// <param name="ReplicationOffset">The replication offset (primary and replica).</param>
/// <param name="Replicas">A primary's connected replicas as <c>host:port</c> with their acknowledged offset.</param>
/// <param name="PrimaryEndpoint">A replica's primary as <c>host:port</c>.</param>
/// <param name="ReplicationState">A replica's link state (<c>connected</c>, <c>sync</c>, …).</param>
/// <param name="MonitoredPrimaries">A sentinel's monitored primary names.</param>
public sealed record ServerRole(
    string Role,
    long? ReplicationOffset,
    IReadOnlyList<KeyValuePair<string, long>> Replicas,
    string? PrimaryEndpoint,
    string? ReplicationState,
    IReadOnlyList<string> MonitoredPrimaries);
