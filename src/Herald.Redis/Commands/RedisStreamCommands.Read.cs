namespace Herald.Redis.Commands;

/// <summary>Reading and acknowledging: <c>XREAD</c>, <c>XREADGROUP</c>, <c>XACK</c>.</summary>
public static partial class RedisStreamCommands
{
    /// <summary>
    /// <c>XREAD [COUNT n] [BLOCK ms] STREAMS key id</c>: entries of one stream after <paramref name="afterId"/>;
    /// empty when there are none (or the block timed out). With <paramref name="block"/> (millisecond precision;
    /// <see cref="TimeSpan.Zero"/> waits without limit) the command blocks: run it on a lease.
    /// </summary>
    public static ValueTask<IReadOnlyList<StreamEntry>> StreamReadAsync(this IRedisExecutor redis, string key, string afterId, int? count = null, TimeSpan? block = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read([], [new(key, afterId)], count, block, noAck: false), StreamReplies.SingleStream, cancellationToken);

    /// <summary>
    /// <c>XREAD [COUNT n] [BLOCK ms] STREAMS key … id …</c>: the entries of each stream that has any, in the
    /// order of <paramref name="positions"/>; empty when none has (or the block timed out).
    /// </summary>
    public static ValueTask<IReadOnlyList<StreamReadResult>> StreamReadAsync(this IRedisExecutor redis, ReadOnlySpan<StreamPosition> positions, int? count = null, TimeSpan? block = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read([], positions, count, block, noAck: false), StreamReplies.MultipleStreams, cancellationToken);

    /// <summary>
    /// <c>XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key id</c>: entries for
    /// <paramref name="consumer"/>. With <see cref="StreamId.Undelivered"/> (the default) new entries; with a concrete id
    /// the consumer's own pending entries after it, where <see cref="StreamEntry.IsDeleted"/> marks ids whose entry is gone.
    /// Empty when there are none (or the block timed out). A missing group or stream is a
    /// <see cref="RedisServerException"/> of kind <see cref="RedisErrorKind.NoGroup"/>.
    /// </summary>
    public static ValueTask<IReadOnlyList<StreamEntry>> StreamReadGroupAsync(this IRedisExecutor redis, string key, string group, string consumer, string afterId = StreamId.Undelivered, int? count = null, TimeSpan? block = null, bool noAck = false, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read(["GROUP", group, consumer], [new(key, afterId)], count, block, noAck), StreamReplies.SingleStream, cancellationToken);

    /// <summary><c>XREADGROUP … STREAMS key … id …</c> over several streams of one group: the entries of each stream that has any.</summary>
    public static ValueTask<IReadOnlyList<StreamReadResult>> StreamReadGroupAsync(this IRedisExecutor redis, string group, string consumer, ReadOnlySpan<StreamPosition> positions, int? count = null, TimeSpan? block = null, bool noAck = false, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read(["GROUP", group, consumer], positions, count, block, noAck), StreamReplies.MultipleStreams, cancellationToken);

    /// <summary><c>XACK key group id</c>: true when the id was pending and is now acknowledged.</summary>
    public static ValueTask<bool> StreamAcknowledgeAsync(this IRedisExecutor redis, string key, string group, string id, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XACK", key, group, id).WithKey(0), RespParsers.Boolean, cancellationToken);

    /// <summary><c>XACK key group id [id …]</c>: how many of the ids were pending and are now acknowledged.</summary>
    public static ValueTask<long> StreamAcknowledgeAsync(this IRedisExecutor redis, string key, string group, ReadOnlySpan<string> ids, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XACK", CommandArgs.Concat([key, group], ids, nameof(ids))).WithKey(0), RespParsers.Int64, cancellationToken);

    private static RedisCommand Read(ReadOnlySpan<RedisArg> head, ReadOnlySpan<StreamPosition> positions, int? count, TimeSpan? block, bool noAck)
    {
        if (positions.IsEmpty)
        {
            throw new ArgumentException("At least one stream is required.", nameof(positions));
        }

        var args = new RedisArg[head.Length + (count.HasValue ? 2 : 0) + (block.HasValue ? 2 : 0) + (noAck ? 1 : 0) + 1 + (positions.Length * 2)];
        head.CopyTo(args);
        var index = head.Length;
        if (count is { } limit)
        {
            args[index++] = "COUNT";
            args[index++] = Positive(limit, nameof(count));
        }

        if (block is { } timeout)
        {
            args[index++] = "BLOCK";
            args[index++] = RedisReplies.ToMilliseconds(timeout, nameof(block));
        }

        if (noAck)
        {
            args[index++] = "NOACK";
        }

        args[index++] = "STREAMS";
        var firstKey = index;
        for (var i = 0; i < positions.Length; i++)
        {
            args[firstKey + i] = positions[i].Key;
            args[firstKey + positions.Length + i] = positions[i].Id;
        }

        var command = new RedisCommand(head.IsEmpty ? "XREAD" : "XREADGROUP", args).WithKey(firstKey);
        return block is { } wait ? RedisReplies.Blocking(command, wait)
            : head.IsEmpty ? command.With(RedisCommandFlags.ReadOnly)
            : command;
    }
}
