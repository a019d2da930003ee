namespace Herald.Redis.Commands;

/// <summary>Consumer groups: <c>XGROUP</c> and its sub-commands.</summary>
public static partial class RedisStreamCommands
{
    /// <summary>
    /// <c>XGROUP CREATE key group id [MKSTREAM] [ENTRIESREAD n]</c>: creates <paramref name="group"/> positioned after
    /// <paramref name="id"/> (<see cref="StreamId.Latest"/> for new entries only, <c>0</c> for all). Always true; an
    /// existing group is a <see cref="RedisServerException"/> of kind <see cref="RedisErrorKind.BusyGroup"/>, a missing
    /// stream without <paramref name="makeStream"/> a generic error.
    /// </summary>
    public static ValueTask<bool> StreamCreateGroupAsync(this IRedisExecutor redis, string key, string group, string id = StreamId.Latest, bool makeStream = false, long? entriesRead = null, CancellationToken cancellationToken = default)
    {
        var args = new RedisArg[4 + (makeStream ? 1 : 0) + (entriesRead.HasValue ? 2 : 0)];
        args[0] = "CREATE";
        args[1] = key;
        args[2] = group;
        args[3] = id;
        var index = 4;
        if (makeStream)
        {
            args[index++] = "MKSTREAM";
        }

        WriteEntriesRead(args, index, entriesRead);
        return redis.ExecuteAsync(new RedisCommand("XGROUP", args).WithKey(1), RedisReplies.Ok, cancellationToken);
    }

    /// <summary><c>XGROUP DESTROY key group</c>: true when the group existed. Its pending entries are forgotten.</summary>
    public static ValueTask<bool> StreamDestroyGroupAsync(this IRedisExecutor redis, string key, string group, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XGROUP", "DESTROY", key, group).WithKey(1), RespParsers.Boolean, cancellationToken);

    /// <summary><c>XGROUP CREATECONSUMER key group consumer</c>: true when the consumer is new.</summary>
    public static ValueTask<bool> StreamCreateConsumerAsync(this IRedisExecutor redis, string key, string group, string consumer, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XGROUP", new RedisArg[] { "CREATECONSUMER", key, group, consumer }).WithKey(1), RespParsers.Boolean, cancellationToken);

    /// <summary><c>XGROUP DELCONSUMER key group consumer</c>: how many entries the consumer still had pending (they are dropped, not handed over).</summary>
    public static ValueTask<long> StreamDeleteConsumerAsync(this IRedisExecutor redis, string key, string group, string consumer, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XGROUP", new RedisArg[] { "DELCONSUMER", key, group, consumer }).WithKey(1), RespParsers.Int64, cancellationToken);

    /// <summary><c>XGROUP SETID key group id [ENTRIESREAD n]</c>: moves the group's last-delivered id; always true.</summary>
    public static ValueTask<bool> StreamSetGroupIdAsync(this IRedisExecutor redis, string key, string group, string id, long? entriesRead = null, CancellationToken cancellationToken = default)
    {
        var args = new RedisArg[4 + (entriesRead.HasValue ? 2 : 0)];
        args[0] = "SETID";
        args[1] = key;
        args[2] = group;
        args[3] = id;
        WriteEntriesRead(args, 4, entriesRead);
        return redis.ExecuteAsync(new RedisCommand("XGROUP", args).WithKey(1), RedisReplies.Ok, cancellationToken);
    }

    private static void WriteEntriesRead(RedisArg[] args, int index, long? entriesRead)
    {
        if (entriesRead is { } read)
        {
            args[index++] = "ENTRIESREAD";
            args[index] = read;
        }
    }
}
