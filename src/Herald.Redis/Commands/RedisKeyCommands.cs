using System.Runtime.CompilerServices;

namespace Herald.Redis.Commands;

/// <summary>Key space commands: delete, existence, expiry, type, rename, scan and memory usage.</summary>
public static class RedisKeyCommands
{
    private static readonly RespReplyParser<ScanPage> s_scanPage = static reply =>
        new(RedisReplies.RequireString(reply[0]), RedisReplies.ToStringList(reply[1]));

    private static readonly RespReplyParser<TimeSpan?> s_timeToLive = static reply =>
        reply.AsInt64() is var milliseconds && milliseconds < 0 ? null : RedisReplies.Milliseconds(milliseconds);

    /// <summary><c>DEL key</c>: true when the key existed.</summary>
    public static ValueTask<bool> KeyDeleteAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("DEL", key).WithKey(0), RespParsers.Boolean, cancellationToken);

    /// <summary><c>DEL key [key …]</c>: how many of the keys existed.</summary>
    public static ValueTask<long> KeyDeleteAsync(this IRedisExecutor redis, ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("DEL", CommandArgs.Concat([], keys, nameof(keys))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>UNLINK key [key …]</c>: like <c>DEL</c>, but the memory is reclaimed in the background.</summary>
    public static ValueTask<long> KeyUnlinkAsync(this IRedisExecutor redis, ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("UNLINK", CommandArgs.Concat([], keys, nameof(keys))).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>EXISTS key</c>: true when the key exists.</summary>
    public static ValueTask<bool> KeyExistsAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("EXISTS", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Boolean, cancellationToken);

    /// <summary><c>EXISTS key [key …]</c>: how many of the keys exist (a key named twice counts twice).</summary>
    public static ValueTask<long> KeyExistsAsync(this IRedisExecutor redis, ReadOnlySpan<string> keys, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("EXISTS", CommandArgs.Concat([], keys, nameof(keys))).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary>
    /// <c>EXPIRE key seconds</c> when <paramref name="expiry"/> is whole seconds, else <c>PEXPIRE key milliseconds</c>:
    /// true when the expiry was set (false when the key does not exist or <paramref name="condition"/> failed).
    /// </summary>
    public static ValueTask<bool> KeyExpireAsync(this IRedisExecutor redis, string key, TimeSpan expiry, ExpireCondition condition = ExpireCondition.Always, CancellationToken cancellationToken = default)
    {
        var milliseconds = RedisReplies.ToMilliseconds(expiry, nameof(expiry));
        var seconds = milliseconds % 1000 == 0;
        var name = seconds ? "EXPIRE" : "PEXPIRE";
        RedisArg amount = seconds ? milliseconds / 1000 : milliseconds;
        var command = condition switch
        {
            ExpireCondition.Always => new RedisCommand(name, key, amount),
            ExpireCondition.HasNoExpiry => new RedisCommand(name, key, amount, "NX"),
            ExpireCondition.HasExpiry => new RedisCommand(name, key, amount, "XX"),
            ExpireCondition.GreaterThan => new RedisCommand(name, key, amount, "GT"),
            ExpireCondition.LessThan => new RedisCommand(name, key, amount, "LT"),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, null),
        };
        return redis.ExecuteAsync(command.WithKey(0), RespParsers.Boolean, cancellationToken);
    }

    /// <summary><c>PTTL key</c>: the remaining time to live; null when the key has no expiry or does not exist.</summary>
    public static ValueTask<TimeSpan?> KeyTimeToLiveAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("PTTL", key).WithKey(0).With(RedisCommandFlags.ReadOnly), s_timeToLive, cancellationToken);

    /// <summary><c>TTL key</c>: the remaining time to live in whole seconds; -1 when the key has no expiry, -2 when it does not exist.</summary>
    public static ValueTask<long> KeyTimeToLiveSecondsAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("TTL", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RespParsers.Int64, cancellationToken);

    /// <summary><c>TYPE key</c>: the type of the value, <see cref="RedisKeyType.None"/> when the key does not exist.</summary>
    public static ValueTask<RedisKeyType> KeyTypeAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("TYPE", key).WithKey(0).With(RedisCommandFlags.ReadOnly), RedisKeyTypes.Parser, cancellationToken);

    /// <summary><c>RENAME key newkey</c>: always true; the server answers an error when <paramref name="key"/> does not exist.</summary>
    public static ValueTask<bool> KeyRenameAsync(this IRedisExecutor redis, string key, string newKey, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("RENAME", key, newKey).WithKey(0), RedisReplies.Ok, cancellationToken);

    /// <summary><c>MEMORY USAGE key [SAMPLES n]</c>: bytes the key and its value take, or null when the key does not exist.</summary>
    public static ValueTask<long?> KeyMemoryUsageAsync(this IRedisExecutor redis, string key, int? samples = null, CancellationToken cancellationToken = default)
    {
        var command = samples is { } count
            ? new RedisCommand("MEMORY", "USAGE", key, "SAMPLES", count)
            : new RedisCommand("MEMORY", "USAGE", key);
        return redis.ExecuteAsync(command.WithKey(1).With(RedisCommandFlags.ReadOnly), RespParsers.NullableInt64, cancellationToken);
    }

    /// <summary>
    /// <c>SCAN cursor [MATCH] [COUNT] [TYPE]</c> until the cursor returns to 0. Keys added or removed during
    /// the scan may or may not be seen, and a key may be returned more than once (Redis' guarantees).
    /// </summary>
    public static async IAsyncEnumerable<string> KeyScanAsync(this IRedisExecutor redis, KeyScanOptions options = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var extra = (options.Pattern is null ? 0 : 2) + (options.PageSize is null ? 0 : 2) + (options.Type is null ? 0 : 2);
        var args = new RedisArg[1 + extra];
        var index = 1;
        if (options.Pattern is { } pattern)
        {
            args[index++] = "MATCH";
            args[index++] = pattern;
        }

        if (options.PageSize is { } pageSize)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize, nameof(options));
            args[index++] = "COUNT";
            args[index++] = pageSize;
        }

        if (options.Type is { } type)
        {
            args[index++] = "TYPE";
            args[index] = RedisKeyTypes.ToToken(type);
        }

        var cursor = "0";
        do
        {
            args[0] = cursor;
            var page = await redis.ExecuteAsync(new RedisCommand("SCAN", args).With(RedisCommandFlags.ReadOnly), s_scanPage, cancellationToken);
            foreach (var key in page.Keys)
            {
                yield return key;
            }

            cursor = page.Cursor;
        }
        while (cursor != "0");
    }

    private readonly record struct ScanPage(string Cursor, IReadOnlyList<string> Keys);
}
