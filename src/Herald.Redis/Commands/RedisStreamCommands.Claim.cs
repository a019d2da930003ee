namespace Herald.Redis.Commands;

/// <summary>Pending entries and their ownership: <c>XPENDING</c>, <c>XCLAIM</c>, <c>XAUTOCLAIM</c>.</summary>
public static partial class RedisStreamCommands
{
    /// <summary><c>XPENDING key group</c>: how many entries are pending, their id range and the count per consumer.</summary>
    public static ValueTask<PendingSummary> StreamPendingAsync(this IRedisExecutor redis, string key, string group, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XPENDING", key, group).WithKey(0).With(RedisCommandFlags.ReadOnly), StreamReplies.PendingSummary, cancellationToken);

    /// <summary>
    /// <c>XPENDING key group [IDLE ms] start end count [consumer]</c>: up to <paramref name="count"/> pending entries
    /// between <paramref name="start"/> and <paramref name="end"/>, optionally only those idle at least
    /// <paramref name="minIdle"/> and only those of <paramref name="consumer"/>.
    /// </summary>
    public static ValueTask<IReadOnlyList<PendingEntry>> StreamPendingEntriesAsync(this IRedisExecutor redis, string key, string group, int count, string start = StreamId.RangeStart, string end = StreamId.RangeEnd, string? consumer = null, TimeSpan? minIdle = null, CancellationToken cancellationToken = default)
    {
        var args = new RedisArg[5 + (minIdle.HasValue ? 2 : 0) + (consumer is null ? 0 : 1)];
        var index = 0;
        args[index++] = key;
        args[index++] = group;
        if (minIdle is { } idle)
        {
            args[index++] = "IDLE";
            args[index++] = RedisReplies.ToMilliseconds(idle, nameof(minIdle));
        }

        args[index++] = start;
        args[index++] = end;
        args[index++] = Positive(count, nameof(count));
        if (consumer is not null)
        {
            args[index] = consumer;
        }

        return redis.ExecuteAsync(new RedisCommand("XPENDING", args).WithKey(0).With(RedisCommandFlags.ReadOnly), StreamReplies.PendingEntries, cancellationToken);
    }

    /// <summary>
    /// <c>XCLAIM key group consumer min-idle-time id … [IDLE] [RETRYCOUNT] [FORCE]</c>: gives <paramref name="consumer"/> the
    /// entries among <paramref name="ids"/> that are pending and idle at least <paramref name="minIdle"/>; returns them
    /// (entries deleted meanwhile are left out).
    /// </summary>
    public static ValueTask<IReadOnlyList<StreamEntry>> StreamClaimAsync(this IRedisExecutor redis, string key, string group, string consumer, TimeSpan minIdle, ReadOnlySpan<string> ids, StreamClaimOptions options = default, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Claim(key, group, consumer, minIdle, ids, options, justId: false), StreamReplies.Entries, cancellationToken);

    /// <summary><c>XCLAIM … JUSTID</c>: like <see cref="StreamClaimAsync"/> but returns only the ids and does not count a delivery.</summary>
    public static ValueTask<IReadOnlyList<string>> StreamClaimIdsAsync(this IRedisExecutor redis, string key, string group, string consumer, TimeSpan minIdle, ReadOnlySpan<string> ids, StreamClaimOptions options = default, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Claim(key, group, consumer, minIdle, ids, options, justId: true), RedisReplies.StringList, cancellationToken);

    /// <summary>
    /// <c>XAUTOCLAIM key group consumer min-idle-time start [COUNT n]</c>: scans pending entries from
    /// <paramref name="start"/> and gives <paramref name="consumer"/> those idle at least <paramref name="minIdle"/>.
    /// Continue from <see cref="AutoClaimResult.NextStartId"/> until it is <c>0-0</c>.
    /// </summary>
    public static ValueTask<AutoClaimResult> StreamAutoClaimAsync(this IRedisExecutor redis, string key, string group, string consumer, TimeSpan minIdle, string start = "0-0", int? count = null, CancellationToken cancellationToken = default)
    {
        var idle = RedisReplies.ToMilliseconds(minIdle, nameof(minIdle));
        var command = count is { } limit
            ? new RedisCommand("XAUTOCLAIM", key, group, consumer, idle, start, "COUNT", Positive(limit, nameof(count)))
            : new RedisCommand("XAUTOCLAIM", key, group, consumer, idle, start);
        return redis.ExecuteAsync(command.WithKey(0), StreamReplies.AutoClaim, cancellationToken);
    }

    private static RedisCommand Claim(string key, string group, string consumer, TimeSpan minIdle, ReadOnlySpan<string> ids, in StreamClaimOptions options, bool justId)
    {
        var args = CommandArgs.Concat(
            [key, group, consumer, RedisReplies.ToMilliseconds(minIdle, nameof(minIdle))],
            ids,
            nameof(ids),
            options.ArgumentCount + (justId ? 1 : 0),
            out var index);
        index = options.WriteTo(args, index);
        if (justId)
        {
            args[index] = "JUSTID";
        }

        return new RedisCommand("XCLAIM", args).WithKey(0);
    }
}
