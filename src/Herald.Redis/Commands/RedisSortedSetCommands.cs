using Herald.Redis.Protocol;

namespace Herald.Redis.Commands;

/// <summary>Sorted set commands, including the blocking <c>BZPOPMIN</c> (run it on a lease).</summary>
public static class RedisSortedSetCommands
{
    // RESP2 sends member, score, member, score; RESP3 sends [member, score] pairs (scores as doubles).
    // ZPOPMIN without a count sends one flat pair in both. Reading by shape covers all of them.
    private static readonly RespReplyParser<IReadOnlyList<SortedSetEntry>> s_entries = ReadEntries;

    private static readonly RespReplyParser<SortedSetPopResult?> s_blockingPop = static reply =>
        reply.IsNull ? null : new(RedisReplies.RequireString(reply[0]), new(RedisReplies.RequireString(reply[1]), reply[2].AsDouble()));

    /// <summary><c>ZADD key [flags] score member</c>: how many members were added (or changed, with <see cref="SortedSetAddFlags.Changed"/>).</summary>
    public static ValueTask<long> SortedSetAddAsync(this IRedisExecutor redis, string key, string member, double score, SortedSetAddFlags flags = SortedSetAddFlags.None, CancellationToken cancellationToken = default) =>
        redis.SortedSetAddAsync(key, [new(member, score)], flags, cancellationToken);

    /// <summary><c>ZADD key [NX|XX] [GT|LT] [CH] score member [score member …]</c>: how many members were added (or changed).</summary>
    public static ValueTask<long> SortedSetAddAsync(this IRedisExecutor redis, string key, ReadOnlySpan<SortedSetEntry> entries, SortedSetAddFlags flags = SortedSetAddFlags.None, CancellationToken cancellationToken = default)
    {
        if (entries.IsEmpty)
        {
            throw new ArgumentException("At least one entry is required.", nameof(entries));
        }

        var args = new RedisArg[1 + int.PopCount((int)flags) + (entries.Length * 2)];
        var index = 0;
        args[index++] = key;
        index = Flag(args, index, flags, SortedSetAddFlags.NotExists, "NX");
        index = Flag(args, index, flags, SortedSetAddFlags.Exists, "XX");
        index = Flag(args, index, flags, SortedSetAddFlags.GreaterThan, "GT");
        index = Flag(args, index, flags, SortedSetAddFlags.LessThan, "LT");
        index = Flag(args, index, flags, SortedSetAddFlags.Changed, "CH");
        foreach (var entry in entries)
        {
            args[index++] = entry.Score;
            args[index++] = entry.Member;
        }

        return redis.ExecuteAsync(new RedisCommand("ZADD", args).WithKey(0), RespParsers.Int64, cancellationToken);
    }

    /// <summary><c>ZREM key member [member …]</c>: how many members existed and were removed.</summary>
    public static ValueTask<long> SortedSetRemoveAsync(this IRedisExecutor redis, string key, ReadOnlySpan<string> members, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ZREM", CommandArgs.Concat([key], members, nameof(members))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>ZSCORE key member</c>: the score, or null when the member or key does not exist.</summary>
    public static ValueTask<double?> SortedSetScoreAsync(this IRedisExecutor redis, string key, string member, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ZSCORE", key, member).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.NullableDouble, cancellationToken);

    /// <summary><c>ZCARD key</c>: the number of members; 0 when the key does not exist.</summary>
    public static ValueTask<long> SortedSetLengthAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ZCARD", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>ZCOUNT key min max</c>: how many members score between <paramref name="min"/> and <paramref name="max"/> inclusive (infinities allowed).</summary>
    public static ValueTask<long> SortedSetCountAsync(this IRedisExecutor redis, string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("ZCOUNT", key, min, max).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary>
    /// <c>ZRANGEBYSCORE key min max [LIMIT offset count]</c>: members scoring between <paramref name="min"/> and
    /// <paramref name="max"/> inclusive, lowest first; <paramref name="count"/> null means all from <paramref name="offset"/>.
    /// </summary>
    public static ValueTask<IReadOnlyList<string>> SortedSetRangeByScoreAsync(this IRedisExecutor redis, string key, double min, double max, long offset = 0, long? count = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(RangeByScore(key, min, max, offset, count, withScores: false), RedisReplies.StringList, cancellationToken);

    /// <summary><c>ZRANGEBYSCORE … WITHSCORES [LIMIT offset count]</c>: like <see cref="SortedSetRangeByScoreAsync"/>, with scores.</summary>
    public static ValueTask<IReadOnlyList<SortedSetEntry>> SortedSetRangeByScoreWithScoresAsync(this IRedisExecutor redis, string key, double min, double max, long offset = 0, long? count = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(RangeByScore(key, min, max, offset, count, withScores: true), s_entries, cancellationToken);

    /// <summary><c>ZPOPMIN key [count]</c>: removes and returns up to <paramref name="count"/> lowest-scoring members; empty when the set is empty.</summary>
    public static ValueTask<IReadOnlyList<SortedSetEntry>> SortedSetPopMinAsync(this IRedisExecutor redis, string key, int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var command = count == 1 ? new RedisCommand("ZPOPMIN", key) : new RedisCommand("ZPOPMIN", key, count);
        return redis.ExecuteAsync(command.WithKey(0), s_entries, cancellationToken);
    }

    /// <summary>
    /// <c>BZPOPMIN key [key …] timeout</c>: waits up to <paramref name="timeout"/> (millisecond precision; <see cref="TimeSpan.Zero"/>
    /// waits without limit) for a member in any of <paramref name="keys"/>; null on timeout. A blocking command: run it on a lease.
    /// </summary>
    public static ValueTask<SortedSetPopResult?> SortedSetBlockingPopMinAsync(this IRedisExecutor redis, ReadOnlySpan<string> keys, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var args = CommandArgs.Concat([], keys, nameof(keys), trailing: RedisReplies.ToSeconds(timeout, nameof(timeout)));
        return redis.ExecuteAsync(RedisReplies.Blocking(new RedisCommand("BZPOPMIN", args).WithKey(0), timeout), s_blockingPop, cancellationToken);
    }

    private static RedisCommand RangeByScore(string key, double min, double max, long offset, long? count, bool withScores)
    {
        var limit = offset != 0 || count.HasValue;
        var args = new RedisArg[3 + (withScores ? 1 : 0) + (limit ? 3 : 0)];
        args[0] = key;
        args[1] = min;
        args[2] = max;
        var index = 3;
        if (withScores)
        {
            args[index++] = "WITHSCORES";
        }

        if (limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            args[index++] = "LIMIT";
            args[index++] = offset;
            args[index] = count ?? -1;
        }

        return new RedisCommand("ZRANGEBYSCORE", args).WithKey(0).With(RedisCommandFlags.ReadOnly);
    }

    private static int Flag(RedisArg[] args, int index, SortedSetAddFlags flags, SortedSetAddFlags flag, string token)
    {
        if (flags.HasFlag(flag))
        {
            args[index++] = token;
        }

        return index;
    }

    private static IReadOnlyList<SortedSetEntry> ReadEntries(RespValue reply)
    {
        if (reply.Count == 0)
        {
            return [];
        }

        if (reply[0].IsAggregate)
        {
            var nested = new SortedSetEntry[reply.Count];
            for (var i = 0; i < nested.Length; i++)
            {
                nested[i] = new(RedisReplies.RequireString(reply[i][0]), reply[i][1].AsDouble());
            }

            return nested;
        }

        var flat = new SortedSetEntry[reply.Count / 2];
        for (var i = 0; i < flat.Length; i++)
        {
            flat[i] = new(RedisReplies.RequireString(reply[2 * i]), reply[(2 * i) + 1].AsDouble());
        }

        return flat;
    }
}
