namespace Herald.Redis.Commands;

/// <summary>
/// Stream commands. This file: adding, ranges, length, deletion and trimming. Reading (XREAD, XREADGROUP,
/// XACK), claiming (XPENDING, XCLAIM, XAUTOCLAIM), groups (XGROUP) and XINFO live in the partial files beside it.
/// </summary>
public static partial class RedisStreamCommands
{
    /// <summary>
    /// <c>XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]] id field value [field value …]</c>:
    /// the new entry's id, or null when <see cref="StreamAddOptions.NoMakeStream"/> is set and the stream does not exist.
    /// </summary>
    public static ValueTask<string?> StreamAddAsync(this IRedisExecutor redis, string key, ReadOnlySpan<KeyValuePair<string, RedisArg>> fields, StreamAddOptions options = default, CancellationToken cancellationToken = default)
    {
        if (fields.IsEmpty)
        {
            throw new ArgumentException("An entry needs at least one field.", nameof(fields));
        }

        var args = AddHead(key, options, fields.Length, out var index);
        foreach (var (name, value) in fields)
        {
            args[index++] = name;
            args[index++] = value;
        }

        return redis.ExecuteAsync(new RedisCommand("XADD", args).WithKey(0), RespParsers.String, cancellationToken);
    }

    /// <summary>
    /// <c>XADD</c> with fields as bytes, such as the <see cref="StreamEntry.Fields"/> of an entry read elsewhere
    /// (copying it to a dead-letter stream): the new entry's id, or null as for <see cref="StreamAddAsync"/>.
    /// </summary>
    public static ValueTask<string?> StreamAddBytesAsync(this IRedisExecutor redis, string key, IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> fields, StreamAddOptions options = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            throw new ArgumentException("An entry needs at least one field.", nameof(fields));
        }

        var args = AddHead(key, options, fields.Count, out var index);
        for (var i = 0; i < fields.Count; i++)
        {
            args[index++] = fields[i].Key;
            args[index++] = fields[i].Value;
        }

        return redis.ExecuteAsync(new RedisCommand("XADD", args).WithKey(0), RespParsers.String, cancellationToken);
    }

    /// <summary><c>XRANGE key start end [COUNT n]</c>: entries from <paramref name="start"/> to <paramref name="end"/> inclusive, oldest first (prefix an id with <c>(</c> to exclude it).</summary>
    public static ValueTask<IReadOnlyList<StreamEntry>> StreamRangeAsync(this IRedisExecutor redis, string key, string start = StreamId.RangeStart, string end = StreamId.RangeEnd, int? count = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Range("XRANGE", key, start, end, count), StreamReplies.Entries, cancellationToken);

    /// <summary><c>XREVRANGE key end start [COUNT n]</c>: entries from <paramref name="end"/> down to <paramref name="start"/> inclusive, newest first.</summary>
    public static ValueTask<IReadOnlyList<StreamEntry>> StreamRangeReverseAsync(this IRedisExecutor redis, string key, string end = StreamId.RangeEnd, string start = StreamId.RangeStart, int? count = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Range("XREVRANGE", key, end, start, count), StreamReplies.Entries, cancellationToken);

    /// <summary><c>XLEN key</c>: the number of entries; 0 when the stream does not exist.</summary>
    public static ValueTask<long> StreamLengthAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XLEN", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>XDEL key id [id …]</c>: how many entries existed and were deleted.</summary>
    public static ValueTask<long> StreamDeleteAsync(this IRedisExecutor redis, string key, ReadOnlySpan<string> ids, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XDEL", CommandArgs.Concat([key], ids, nameof(ids))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT n]</c>: how many entries were evicted.</summary>
    public static ValueTask<long> StreamTrimAsync(this IRedisExecutor redis, string key, StreamTrim trim, CancellationToken cancellationToken = default)
    {
        var args = new RedisArg[1 + trim.ArgumentCount];
        args[0] = key;
        trim.WriteTo(args, 1);
        return redis.ExecuteAsync(new RedisCommand("XTRIM", args).WithKey(0), RespParsers.Int64, cancellationToken);
    }

    private static RedisArg[] AddHead(string key, in StreamAddOptions options, int fieldCount, out int index)
    {
        var args = new RedisArg[2 + (options.NoMakeStream ? 1 : 0) + (options.Trim?.ArgumentCount ?? 0) + (fieldCount * 2)];
        index = 0;
        args[index++] = key;
        if (options.NoMakeStream)
        {
            args[index++] = "NOMKSTREAM";
        }

        if (options.Trim is { } trim)
        {
            index = trim.WriteTo(args, index);
        }

        args[index++] = options.Id ?? StreamId.Auto;
        return args;
    }

    private static RedisCommand Range(string name, string key, string from, string to, int? count)
    {
        var command = count is { } limit
            ? new RedisCommand(name, key, from, to, "COUNT", Positive(limit, nameof(count)))
            : new RedisCommand(name, key, from, to);
        return command.WithKey(0).With(RedisCommandFlags.ReadOnly);
    }

    private static int Positive(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, name);
        return value;
    }
}
