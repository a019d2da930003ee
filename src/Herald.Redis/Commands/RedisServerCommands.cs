namespace Herald.Redis.Commands;

/// <summary>Server and connection commands. They name no key: in a cluster they go to whichever node the executor picks.</summary>
public static class RedisServerCommands
{
    /// <summary><c>PING [message]</c>: <c>PONG</c>, or <paramref name="message"/> when given.</summary>
    public static ValueTask<string> PingAsync(this IRedisExecutor redis, string? message = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(message is null ? new RedisCommand("PING") : new RedisCommand("PING", message), RedisReplies.RequiredString, cancellationToken);

    /// <summary><c>ECHO message</c>: <paramref name="message"/>.</summary>
    public static ValueTask<string> EchoAsync(this IRedisExecutor redis, string message, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ECHO", message), RedisReplies.RequiredString, cancellationToken);

    /// <summary>
    /// <c>INFO [section]</c>: sections by name (<c>Server</c>, <c>Clients</c>, …; case-insensitive), each a dictionary of
    /// its fields. <paramref name="section"/> null gives the default sections; <c>all</c> or <c>everything</c> more.
    /// </summary>
    public static ValueTask<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> InfoAsync(this IRedisExecutor redis, string? section = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(section is null ? new RedisCommand("INFO") : new RedisCommand("INFO", section), ServerReplies.Info, cancellationToken);

    /// <summary><c>CLIENT ID</c>: the id of the connection that runs the command.</summary>
    public static ValueTask<long> ClientIdAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64, cancellationToken);

    /// <summary><c>CLIENT KILL filter …</c>: closes the connections that match every condition of <paramref name="filter"/>; how many were closed.</summary>
    public static ValueTask<long> ClientKillAsync(this IRedisExecutor redis, ClientKillFilter filter, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CLIENT", filter.ToArguments()), RespParsers.Int64, cancellationToken);

    /// <summary><c>CLIENT LIST [TYPE t]</c>: the server's connections.</summary>
    public static ValueTask<IReadOnlyList<ClientInfo>> ClientListAsync(this IRedisExecutor redis, ClientType? type = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(
            type is { } kind ? new RedisCommand("CLIENT", "LIST", "TYPE", ServerReplies.ToToken(kind)) : new RedisCommand("CLIENT", "LIST"),
            ServerReplies.ClientList,
            cancellationToken);

    /// <summary><c>CLIENT SETNAME name</c>: names the connection that runs the command (no spaces); always true.</summary>
    public static ValueTask<bool> ClientSetNameAsync(this IRedisExecutor redis, string name, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CLIENT", "SETNAME", name), RedisReplies.Ok, cancellationToken);

    /// <summary><c>CLIENT GETNAME</c>: the connection's name, or null when it has none.</summary>
    public static ValueTask<string?> ClientGetNameAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CLIENT", "GETNAME"), RespParsers.String, cancellationToken);

    /// <summary><c>CLIENT PAUSE ms [WRITE|ALL]</c>: suspends other clients' commands (only writes when <paramref name="writesOnly"/>) for <paramref name="duration"/>; always true.</summary>
    public static ValueTask<bool> ClientPauseAsync(this IRedisExecutor redis, TimeSpan duration, bool writesOnly = false, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(
            new RedisCommand("CLIENT", "PAUSE", RedisReplies.ToMilliseconds(duration, nameof(duration)), writesOnly ? "WRITE" : "ALL"),
            RedisReplies.Ok,
            cancellationToken);

    /// <summary><c>CLIENT UNPAUSE</c>: ends a pause early; always true.</summary>
    public static ValueTask<bool> ClientUnpauseAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CLIENT", "UNPAUSE"), RedisReplies.Ok, cancellationToken);

    /// <summary><c>DBSIZE</c>: the number of keys in the selected database.</summary>
    public static ValueTask<long> DatabaseSizeAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("DBSIZE").With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>FLUSHDB [ASYNC|SYNC]</c>: deletes every key of the selected database; always true.</summary>
    public static ValueTask<bool> FlushDatabaseAsync(this IRedisExecutor redis, bool asynchronous = false, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("FLUSHDB", asynchronous ? "ASYNC" : "SYNC"), RedisReplies.Ok, cancellationToken);

    /// <summary><c>TIME</c>: the server's clock, to the microsecond.</summary>
    public static ValueTask<DateTimeOffset> TimeAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("TIME"), ServerReplies.Time, cancellationToken);

    /// <summary><c>CONFIG GET pattern</c>: the matching parameters and their values (a glob; <c>*</c> for all).</summary>
    public static ValueTask<IReadOnlyDictionary<string, string>> ConfigGetAsync(this IRedisExecutor redis, string pattern, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CONFIG", "GET", pattern), RedisReplies.StringMap, cancellationToken);

    /// <summary><c>CONFIG SET parameter value</c>: changes a parameter at run time; always true (a bad one is a <see cref="RedisServerException"/>).</summary>
    public static ValueTask<bool> ConfigSetAsync(this IRedisExecutor redis, string parameter, RedisArg value, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("CONFIG", "SET", parameter, value), RedisReplies.Ok, cancellationToken);

    /// <summary><c>ROLE</c>: whether the server is a primary, a replica or a sentinel, with its replication details.</summary>
    public static ValueTask<ServerRole> RoleAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ROLE"), ServerReplies.Role, cancellationToken);

    /// <summary><c>COMMAND COUNT</c>: how many commands the server knows.</summary>
    public static ValueTask<long> CommandCountAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("COMMAND", "COUNT"), RespParsers.Int64, cancellationToken);
}
