using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Scripting;
using Herald.Scripts;

namespace Herald.RateLimiting;

/// <summary>
/// Global rate limits kept in Redis: every process that uses the same Redis and key prefix shares each named
/// limit. One script call per acquisition (<c>RateLimitAcquire.lua</c>, GCRA on the server's clock, so client
/// clocks never matter); a limit's key (<see cref="KeySchema.RateLimit"/>) expires once the limit is idle.
/// </summary>
/// <example>
/// <code>
/// var limiter = new RedisRateLimiter(redis, KeySchema.Default);
/// if (await limiter.WaitAsync("geocoder", RateLimit.Parse("50/s"), maxWait: TimeSpan.FromSeconds(5), cancellationToken: ct))
/// {
///     await CallGeocoderAsync(ct);
/// }
/// </code>
/// </example>
public sealed class RedisRateLimiter : GlobalRateLimiter
{
    private readonly IRedisExecutor _redis;
    private readonly KeySchema _keys;

    /// <summary>Creates a limiter over <paramref name="redis"/> with keys from <paramref name="keys"/>.</summary>
    /// <param name="redis">The Redis client.</param>
    /// <param name="keys">The key schema (its prefix separates applications sharing one Redis).</param>
    /// <param name="time">The clock <see cref="GlobalRateLimiter.WaitAsync"/> waits on; default the system clock. Limits themselves run on Redis's clock.</param>
    public RedisRateLimiter(RedisClient redis, KeySchema keys, TimeProvider? time = null)
        : base(time ?? TimeProvider.System)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        _redis = redis;
        _keys = keys;
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireCoreAsync(string name, RateLimit limit, int permits, TimeSpan? maxWait, CancellationToken cancellationToken)
    {
        // Microseconds, rounded down, so a caller never waits longer than it accepted.
        var maxWaitMicroseconds = maxWait is { } wait ? wait.Ticks / TimeSpan.TicksPerMicrosecond : -1;
        return _redis.EvaluateAsync(
            ScriptCatalog.RateLimitAcquire,
            [_keys.RateLimit(name)],
            [limit.IntervalMicroseconds, limit.Burst, permits, maxWaitMicroseconds],
            static reply => reply[0].AsInt64() == 1
                ? RateLimitLease.Grant(TimeSpan.FromMicroseconds(reply[1].AsInt64()))
                : RateLimitLease.Deny(TimeSpan.FromMicroseconds(reply[1].AsInt64())),
            cancellationToken);
    }
}
