namespace Herald.Redis.Commands;

/// <summary>Hash commands.</summary>
public static class RedisHashCommands
{
    /// <summary><c>HSET key field value</c>: true when the field is new, false when it was overwritten.</summary>
    public static ValueTask<bool> HashSetAsync(this IRedisExecutor redis, string key, string field, RedisArg value, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HSET", key, field, value).WithKey(0), RespParsers.Boolean, cancellationToken);

    /// <summary><c>HSET key field value [field value …]</c>: how many fields were new.</summary>
    public static ValueTask<long> HashSetAsync(this IRedisExecutor redis, string key, ReadOnlySpan<KeyValuePair<string, RedisArg>> fields, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HSET", CommandArgs.Pairs([key], fields, nameof(fields))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>HGET key field</c>: the value, or null when the field or key does not exist.</summary>
    public static ValueTask<string?> HashGetAsync(this IRedisExecutor redis, string key, string field, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HGET", key, field).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.String, cancellationToken);

    /// <summary><c>HMGET key field [field …]</c>: the values in field order, null for missing fields.</summary>
    public static ValueTask<IReadOnlyList<string?>> HashGetManyAsync(this IRedisExecutor redis, string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HMGET", CommandArgs.Concat([key], fields, nameof(fields))).WithKey(0).With(RedisCommandFlags.ReadOnly), RedisReplies.NullableStringList, cancellationToken);

    /// <summary><c>HGETALL key</c>: every field and value; empty when the key does not exist.</summary>
    public static ValueTask<IReadOnlyDictionary<string, string>> HashGetAllAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HGETALL", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RedisReplies.StringMap, cancellationToken);

    /// <summary><c>HDEL key field [field …]</c>: how many fields existed and were removed.</summary>
    public static ValueTask<long> HashDeleteAsync(this IRedisExecutor redis, string key, ReadOnlySpan<string> fields, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HDEL", CommandArgs.Concat([key], fields, nameof(fields))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>HINCRBY key field increment</c>: the field's value after the increment (a missing field counts as 0).</summary>
    public static ValueTask<long> HashIncrementAsync(this IRedisExecutor redis, string key, string field, long increment = 1, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HINCRBY", key, field, increment).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>HLEN key</c>: the number of fields; 0 when the key does not exist.</summary>
    public static ValueTask<long> HashLengthAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HLEN", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>HEXISTS key field</c>: true when the field exists.</summary>
    public static ValueTask<bool> HashExistsAsync(this IRedisExecutor redis, string key, string field, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("HEXISTS", key, field).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Boolean, cancellationToken);
}
