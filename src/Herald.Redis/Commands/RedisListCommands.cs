namespace Herald.Redis.Commands;

/// <summary>An end of a list.</summary>
public enum ListSide
{
    /// <summary><c>LEFT</c>: the head.</summary>
    Left,

    /// <summary><c>RIGHT</c>: the tail.</summary>
    Right,
}

/// <summary>List commands, including the blocking <c>BLMOVE</c> (run it on a lease).</summary>
public static class RedisListCommands
{
    /// <summary><c>LPUSH key element [element …]</c>: the length after the push. The last element ends up at the head.</summary>
    public static ValueTask<long> ListLeftPushAsync(this IRedisExecutor redis, string key, ReadOnlySpan<RedisArg> elements, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LPUSH", CommandArgs.Concat([key], elements, nameof(elements))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>LPUSH key element</c>: the length after the push.</summary>
    public static ValueTask<long> ListLeftPushAsync(this IRedisExecutor redis, string key, RedisArg element, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LPUSH", key, element).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>RPUSH key element [element …]</c>: the length after the push.</summary>
    public static ValueTask<long> ListRightPushAsync(this IRedisExecutor redis, string key, ReadOnlySpan<RedisArg> elements, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("RPUSH", CommandArgs.Concat([key], elements, nameof(elements))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>RPUSH key element</c>: the length after the push.</summary>
    public static ValueTask<long> ListRightPushAsync(this IRedisExecutor redis, string key, RedisArg element, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("RPUSH", key, element).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>LPOP key</c>: the head element, or null when the list is empty.</summary>
    public static ValueTask<string?> ListLeftPopAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LPOP", key).WithKey(0), RespParsers.String, cancellationToken);

    /// <summary><c>LPOP key count</c>: up to <paramref name="count"/> elements from the head; empty when the list is empty.</summary>
    public static ValueTask<IReadOnlyList<string>> ListLeftPopAsync(this IRedisExecutor redis, string key, int count, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LPOP", key, Positive(count)).WithKey(0), RedisReplies.StringList, cancellationToken);

    /// <summary><c>RPOP key</c>: the tail element, or null when the list is empty.</summary>
    public static ValueTask<string?> ListRightPopAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("RPOP", key).WithKey(0), RespParsers.String, cancellationToken);

    /// <summary><c>RPOP key count</c>: up to <paramref name="count"/> elements from the tail, tail first; empty when the list is empty.</summary>
    public static ValueTask<IReadOnlyList<string>> ListRightPopAsync(this IRedisExecutor redis, string key, int count, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("RPOP", key, Positive(count)).WithKey(0), RedisReplies.StringList, cancellationToken);

    /// <summary><c>LLEN key</c>: the length; 0 when the key does not exist.</summary>
    public static ValueTask<long> ListLengthAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LLEN", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>LRANGE key start stop</c>: the elements from <paramref name="start"/> to <paramref name="stop"/> inclusive (negative counts from the tail).</summary>
    public static ValueTask<IReadOnlyList<string>> ListRangeAsync(this IRedisExecutor redis, string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Range(key, start, stop), RedisReplies.StringList, cancellationToken);

    /// <summary><c>LRANGE key start stop</c> as bytes over the reply's buffers.</summary>
    public static ValueTask<IReadOnlyList<ReadOnlyMemory<byte>>> ListRangeBytesAsync(this IRedisExecutor redis, string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Range(key, start, stop), RedisReplies.BytesList, cancellationToken);

    /// <summary>
    /// <c>LREM key count element</c>: removes occurrences of <paramref name="element"/> (<paramref name="count"/> &gt; 0 from the
    /// head, &lt; 0 from the tail, 0 all); how many were removed.
    /// </summary>
    public static ValueTask<long> ListRemoveAsync(this IRedisExecutor redis, string key, RedisArg element, long count = 0, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("LREM", key, count, element).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>LMOVE source destination from to</c>: the element moved, or null when the source is empty.</summary>
    public static ValueTask<string?> ListMoveAsync(this IRedisExecutor redis, string source, string destination, ListSide from, ListSide to, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Move(source, destination, from, to), RespParsers.String, cancellationToken);

    /// <summary><c>LMOVE</c> returning the element's bytes.</summary>
    public static ValueTask<ReadOnlyMemory<byte>?> ListMoveBytesAsync(this IRedisExecutor redis, string source, string destination, ListSide from, ListSide to, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Move(source, destination, from, to), RespParsers.Memory, cancellationToken);

    /// <summary>
    /// <c>BLMOVE source destination from to timeout</c>: waits up to <paramref name="timeout"/> (millisecond precision;
    /// <see cref="TimeSpan.Zero"/> waits without limit) for an element; null on timeout. A blocking command: run it on a lease.
    /// </summary>
    public static ValueTask<string?> ListBlockingMoveAsync(this IRedisExecutor redis, string source, string destination, ListSide from, ListSide to, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(BlockingMove(source, destination, from, to, timeout), RespParsers.String, cancellationToken);

    /// <summary><c>BLMOVE</c> returning the element's bytes; null on timeout.</summary>
    public static ValueTask<ReadOnlyMemory<byte>?> ListBlockingMoveBytesAsync(this IRedisExecutor redis, string source, string destination, ListSide from, ListSide to, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(BlockingMove(source, destination, from, to, timeout), RespParsers.Memory, cancellationToken);

    private static RedisCommand Range(string key, long start, long stop) =>
        new RedisCommand("LRANGE", key, start, stop).WithKey(0).With(RedisCommandFlags.ReadOnly);

    private static RedisCommand Move(string source, string destination, ListSide from, ListSide to) =>
        new RedisCommand("LMOVE", new RedisArg[] { source, destination, Side(from), Side(to) }).WithKey(0);

    /// <summary>
    /// The <c>BLMOVE</c> command, to send on a lease together with the command that should follow it
    /// (<see cref="RedisLease.ExecutePairAsync"/>). Its reply parses with <see cref="RespParsers.Memory"/>.
    /// </summary>
    public static RedisCommand BlockingMove(string source, string destination, ListSide from, ListSide to, TimeSpan timeout) =>
        RedisReplies.Blocking(
            new RedisCommand("BLMOVE", new RedisArg[] { source, destination, Side(from), Side(to), RedisReplies.ToSeconds(timeout, nameof(timeout)) }).WithKey(0),
            timeout);

    private static string Side(ListSide side) => side == ListSide.Left ? "LEFT" : "RIGHT";

    private static int Positive(int count, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(count))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, name);
        return count;
    }
}
