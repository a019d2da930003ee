namespace Herald.Consuming;

/// <summary>The life cycle of a consumer.</summary>
public enum ConsumerState
{
    /// <summary>Fetching and handling.</summary>
    Running,

    /// <summary>Not fetching (paused here, cluster-wide, or by an open circuit); in-flight work finishes.</summary>
    Paused,

    /// <summary>Finishing in-flight work before stopping.</summary>
    Stopping,

    /// <summary>Stopped.</summary>
    Stopped,
}

/// <summary>
/// Whether a consumer makes progress. Liveness proves consumption, not only a connection: a consumer with
/// work waiting that finished nothing within the threshold is unhealthy.
/// </summary>
/// <param name="IsHealthy">True when the consumer is making progress or has nothing to do.</param>
/// <param name="Description">Why, in a sentence.</param>
/// <param name="SinceProgress">Time since the last message was finished.</param>
/// <param name="InFlight">Messages received and not finished.</param>
public sealed record ConsumerHealth(bool IsHealthy, string Description, TimeSpan SinceProgress, int InFlight);

/// <summary>Running totals of one consumer.</summary>
public sealed class ConsumerStatistics
{
    private long _received;
    private long _processed;
    private long _failed;
    private long _retried;
    private long _deadLettered;
    private long _skipped;
    private long _dropped;
    private long _deferred;

    /// <summary>Messages received from the transport (reclaims included).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages handled successfully and acknowledged.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Deliveries whose handling failed (after in-process retries).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Messages scheduled for a delayed retry.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Messages moved to the dead-letter store.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Duplicates acknowledged without running the handler.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Pub/Sub messages lost because this consumer fell behind and its bounded buffer dropped the oldest.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages an open circuit breaker refused before their handler ran, parked until the break ends without spending an attempt.</summary>
    public long Deferred => Interlocked.Read(ref _deferred);

    internal void AddDeferred() => Interlocked.Increment(ref _deferred);

    internal void AddReceived(int count) => Interlocked.Add(ref _received, count);

    internal void AddProcessed() => Interlocked.Increment(ref _processed);

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    internal void AddRetried() => Interlocked.Increment(ref _retried);

    internal void AddDeadLettered() => Interlocked.Increment(ref _deadLettered);

    internal void AddSkipped() => Interlocked.Increment(ref _skipped);

    internal void AddDropped(long count) => Interlocked.Add(ref _dropped, count);
}
