using Herald.Consuming;

namespace Herald.RateLimiting;

/// <summary>
/// Holds a consumer group to its <see cref="ConsumerOptions.RateLimit"/>, shared by every consumer of the group in
/// every process. A message (or batch: one permit per message) whose permit can be reserved within
/// <paramref name="maxWait"/> waits for its slot and runs; any other is handed back to Redis with a
/// <see cref="DeferMessageException"/>, which spends none of its attempts, and returns about when a permit is free.
/// </summary>
/// <remarks>
/// It sits after the circuit breaker, so an open circuit spends no permits, and inside the timeout, whose deadline
/// therefore includes the wait (hence the cap of half the handler timeout on <paramref name="maxWait"/>).
/// </remarks>
internal sealed class RateLimitMiddleware(GlobalRateLimiter limiter, string name, RateLimit limit, TimeSpan maxWait) : IConsumeMiddleware
{
    /// <summary>The longest a message waits for its permit before it is deferred instead.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(2);

    /// <summary>The wait for a consumer whose handler timeout is <paramref name="handlerTimeout"/>: 2 s, at most half the timeout.</summary>
    public static TimeSpan MaxWaitFor(TimeSpan handlerTimeout) =>
        handlerTimeout == Timeout.InfiniteTimeSpan || handlerTimeout >= DefaultMaxWait * 2 ? DefaultMaxWait : handlerTimeout / 2;

    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var permits = context.Batch?.Count ?? 1;

        // A batch larger than the burst is never free at once: it may wait the least its size needs on top,
        // or it would be deferred forever.
        var accepted = permits > limit.Burst ? maxWait + (limit.EmissionInterval * (permits - limit.Burst)) : maxWait;
        await limiter.WaitOrDeferAsync(name, limit, permits, accepted, context.CancellationToken).ConfigureAwait(false);
        await next(context).ConfigureAwait(false);
    }
}
