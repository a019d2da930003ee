
namespace Herald.Consuming;

/// <summary>How a consumer fetches, runs and retries. Defaults suit most work; every one is documented.</summary>
public sealed class ConsumerOptions
{
    /// <summary>The consumer group (streams, queues: members share the work). Default <c>default</c>.</summary>
    public string Group { get; set; } = "default";

    /// <summary>This consumer's name within the group. Default <c>host-pid-random</c>; set a stable name to resume one's own pending work after a restart.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>Messages handled at the same time. Default 2 × processor count.</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>Most messages held in memory (received and not yet finished): the bound that keeps memory flat under any backlog. Default 256.</summary>
    public int Prefetch { get; set; } = 256;

    /// <summary>Most messages per read from Redis. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long one read waits on the server for new messages. Default 1 s.</summary>
    public TimeSpan BlockTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A message delivered and not acknowledged for this long is reclaimed for another consumer (a crashed worker's work). Default 30 s.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deadline of one delivery: the handler call together with its in-process retries (the timeout sits
    /// outside the retry step of the pipeline, so a message never holds a worker longer than this). When it
    /// passes, the handler's token is cancelled and the delivery fails with a <see cref="Timeouts.HandlerTimeoutException"/>,
    /// which goes on to a delayed retry or, after the last attempt, to the dead-letter store with reason
    /// <c>TimedOut</c>. <see cref="Timeout.InfiniteTimeSpan"/> for none. Default 30 s.
    /// </summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries in process, then delayed retries stored in Redis, then the dead-letter store.</summary>
    public RetrySettings Retry { get; set; } = new();

    /// <summary>Handle messages that share a partition key one at a time, in order. Default false.</summary>
    public bool OrderByKey { get; set; }

    /// <summary>Skip messages whose id was handled within this window (<c>SET NX PX</c>); null turns it off (default).</summary>
    public TimeSpan? DeduplicationWindow { get; set; }

    /// <summary>Pause consumption while a dependency keeps failing; null turns it off (default).</summary>
    public CircuitBreakerSettings? CircuitBreaker { get; set; }

    /// <summary>
    /// A global rate limit on this consumer group of the destination: every consumer of the group, in every process,
    /// draws on one shared limit (GCRA in Redis, <see cref="RateLimiting.RedisRateLimiter"/>), so <c>20/s</c> means
    /// twenty messages a second in all, not per worker. A message whose permit is free within 2 s (at most half the
    /// <see cref="HandlerTimeout"/>) waits for it; any other goes back to Redis without spending an attempt and returns
    /// about when a permit is free. A batch handler takes one permit per message of the batch. On Pub/Sub, which
    /// cannot hold a message back, a message with no permit in time fails like any other error. Null (default) for no limit.
    /// </summary>
    /// <example><c>options.RateLimit = RateLimit.Parse("20/s");</c></example>
    public RateLimiting.RateLimit? RateLimit { get; set; }

    /// <summary>Validate received messages with DataAnnotations before the handler. Default true.</summary>
    public bool ValidateMessages { get; set; } = true;

    /// <summary>Streams: where a new group starts: <c>$</c> (new messages, default), <c>0</c> (everything), an entry id, or a time via <see cref="StartAt"/>.</summary>
    public string StartFrom { get; set; } = "$";

    /// <summary>Time allowed on stop for in-flight messages to finish; the rest is handed back. Default 30 s.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A consumer with work waiting that finishes nothing for this long reports unhealthy and restarts its receiver. Default 60 s.</summary>
    public TimeSpan LivenessThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sets <see cref="StartFrom"/> to the first entry at or after <paramref name="time"/>.</summary>
    public ConsumerOptions StartAt(DateTimeOffset time)
    {
        // A group delivers the entries after its start id, so start at the last id that can precede the time.
        var ms = time.ToUnixTimeMilliseconds();
        StartFrom = ms <= 0 ? "0" : $"{ms - 1}-{ulong.MaxValue}";
        return this;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Group, nameof(Group));
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockTime, TimeSpan.FromMilliseconds(1), nameof(BlockTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(VisibilityTimeout, TimeSpan.FromMilliseconds(100), nameof(VisibilityTimeout));
        if (HandlerTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandlerTimeout, TimeSpan.Zero, nameof(HandlerTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StopTimeout, TimeSpan.Zero, nameof(StopTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LivenessThreshold, TimeSpan.Zero, nameof(LivenessThreshold));
        ArgumentNullException.ThrowIfNull(Retry, nameof(Retry));
        Retry.Validate();
        CircuitBreaker?.Validate();
        if (DeduplicationWindow is { } window)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(DeduplicationWindow));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(StartFrom, nameof(StartFrom));
    }

    internal string ResolveConsumerName() => ConsumerName ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x1000, 0xFFFF):x4}";

    internal int EffectiveBatch => Math.Min(BatchSize, Prefetch);

}

/// <summary>The retry ladder: in process (fast, for blips), then delayed in Redis (survives restarts), then dead letter.</summary>
public sealed class RetrySettings
{
    /// <summary>Extra tries within one delivery, with exponential back-off and jitter. Default 2.</summary>
    public int InProcessRetries { get; set; } = 2;

    /// <summary>First in-process back-off. Default 100 ms.</summary>
    public TimeSpan InProcessDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Deliveries in all (the first, delayed retries, redeliveries after crashes) before the dead-letter store. Default 5.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>First delayed retry; it doubles per attempt, with jitter. Default 5 s.</summary>
    public TimeSpan DelayedRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest delayed retry. Default 10 min.</summary>
    public TimeSpan MaxDelayedRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws for an invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(InProcessRetries, nameof(InProcessRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeliveries, 1, nameof(MaxDeliveries));
        ArgumentOutOfRangeException.ThrowIfLessThan(InProcessDelay, TimeSpan.Zero, nameof(InProcessDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(DelayedRetryDelay, TimeSpan.Zero, nameof(DelayedRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelayedRetryDelay, DelayedRetryDelay, nameof(MaxDelayedRetryDelay));
    }

    /// <summary>The delay before delayed retry number <paramref name="attempt"/> (1-based), with ±25 % jitter.</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ticks = Math.Min(DelayedRetryDelay.Ticks * (1L << Math.Min(exponent, 20)), MaxDelayedRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.75 + (Random.Shared.NextDouble() / 2))));
    }
}

/// <summary>When to stop consuming because the handler's dependency is failing.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Failure ratio within <see cref="SamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before the ratio counts. Default 10.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window. Default 10 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long consumption pauses once open. Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws for an invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FailureRatio, 0, nameof(FailureRatio));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FailureRatio, 1, nameof(FailureRatio));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumThroughput, 2, nameof(MinimumThroughput));
        ArgumentOutOfRangeException.ThrowIfLessThan(SamplingDuration, TimeSpan.FromMilliseconds(500), nameof(SamplingDuration));
        ArgumentOutOfRangeException.ThrowIfLessThan(BreakDuration, TimeSpan.FromMilliseconds(500), nameof(BreakDuration));
    }
}
