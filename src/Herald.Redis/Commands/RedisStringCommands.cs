namespace Herald.Redis.Commands;

/// <summary>String commands: <c>GET</c>, <c>SET</c>, <c>MGET</c>, <c>MSET</c>, counters and <c>GETDEL</c>.</summary>
public static class RedisStringCommands
{
    /// <summary><c>GET key</c>: the value as text, or null when the key does not exist.</summary>
    public static ValueTask<string?> StringGetAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read("GET", key), RespParsers.String, cancellationToken);

    /// <summary><c>GET key</c>: the value's bytes (no copy of the reply buffer), or null when the key does not exist.</summary>
    public static ValueTask<ReadOnlyMemory<byte>?> StringGetBytesAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Read("GET", key), RespParsers.Memory, cancellationToken);

    /// <summary><c>SET key value [EX|PX|PXAT] [KEEPTTL] [NX|XX]</c>: true when the value was set, false when a condition prevented it.</summary>
    public static ValueTask<bool> StringSetAsync(this IRedisExecutor redis, string key, RedisArg value, StringSetOptions options = default, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Set(key, value, options, get: false), RespParsers.Boolean, cancellationToken);

    /// <summary><c>SET … GET</c>: sets like <see cref="StringSetAsync"/> and returns the previous value (null when there was none).</summary>
    public static ValueTask<string?> StringSetAndGetAsync(this IRedisExecutor redis, string key, RedisArg value, StringSetOptions options = default, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(Set(key, value, options, get: true), RespParsers.String, cancellationToken);

    /// <summary><c>MGET key [key …]</c>: the values in key order, null for missing keys.</summary>
    public static ValueTask<IReadOnlyList<string?>> StringGetManyAsync(this IRedisExecutor redis, ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("MGET", CommandArgs.Concat([], keys, nameof(keys))).WithKey(0).With(RedisCommandFlags.ReadOnly), RedisReplies.NullableStringList, cancellationToken);

    /// <summary><c>MSET key value [key value …]</c>: sets all pairs at once; always true.</summary>
    public static ValueTask<bool> StringSetManyAsync(this IRedisExecutor redis, ReadOnlySpan<KeyValuePair<string, RedisArg>> pairs, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("MSET", CommandArgs.Pairs([], pairs, nameof(pairs))).WithKey(0), RedisReplies.Ok, cancellationToken);

    /// <summary><c>INCR key</c>: the value after adding one (a missing key counts as 0).</summary>
    public static ValueTask<long> StringIncrementAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("INCR", key).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>INCRBY key increment</c>: the value after adding <paramref name="increment"/>.</summary>
    public static ValueTask<long> StringIncrementAsync(this IRedisExecutor redis, string key, long increment, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("INCRBY", key, increment).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>DECRBY key decrement</c>: the value after subtracting <paramref name="decrement"/>.</summary>
    public static ValueTask<long> StringDecrementAsync(this IRedisExecutor redis, string key, long decrement = 1, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("DECRBY", key, decrement).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>GETDEL key</c>: the value, deleting the key; null when it did not exist.</summary>
    public static ValueTask<string?> StringGetDeleteAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("GETDEL", key).WithKey(0), RespParsers.String, cancellationToken);

    private static RedisCommand Read(string name, string key) => new RedisCommand(name, key).WithKey(0).With(RedisCommandFlags.ReadOnly);

    private static RedisCommand Set(string key, RedisArg value, in StringSetOptions options, bool get)
    {
        var extra = options.ArgumentCount + (get ? 1 : 0);
        if (extra == 0)
        {
            return new RedisCommand("SET", key, value).WithKey(0);
        }

        var args = new RedisArg[2 + extra];
        args[0] = key;
        args[1] = value;
        var index = options.WriteTo(args, 2);
        if (get)
        {
            args[index] = "GET";
        }

        return new RedisCommand("SET", args).WithKey(0);
    }
}
