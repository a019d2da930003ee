namespace Herald.Hosting.Monitoring;

/// <summary>
/// What <see cref="HeraldLagMonitor"/> last read: one <see cref="LagFigures"/> per stream group and per queue.
/// A sample that fails keeps the figures of the last good one and marks them stale.
/// </summary>
/// <param name="Figures">Per stream group and queue, ordered by destination, then group.</param>
/// <param name="SampledAt">When the figures were read; <see cref="DateTimeOffset.MinValue"/> when no sample has succeeded yet.</param>
/// <param name="IsStale">True when the latest sample failed: the figures are older than one interval.</param>
/// <param name="Error">Why the latest sample failed; null when it succeeded.</param>
/// <param name="FailedAt">When the latest sample failed; null when it succeeded.</param>
public sealed record LagSnapshot(IReadOnlyList<LagFigures> Figures, DateTimeOffset SampledAt, bool IsStale, string? Error, DateTimeOffset? FailedAt)
{
    /// <summary>True once a sample has succeeded, so <see cref="Figures"/> were read from Redis.</summary>
    public bool HasSample => SampledAt != DateTimeOffset.MinValue;
}

/// <summary>
/// One stream group or one queue as the monitor sampled it, from the <see cref="Herald.Inspection.HeraldInspector"/>.
/// </summary>
/// <param name="Destination">The stream or queue.</param>
/// <param name="Group">The stream's consumer group; null for a queue, whose consumers all take from one list.</param>
/// <param name="Lag">Messages not yet handed to a consumer: the group's lag (all partitions and its retried stream), or the messages waiting in a queue.</param>
/// <param name="Pending">Messages handed out and not finished: the group's pending entries, or a queue's in-flight messages.</param>
/// <param name="QueueLength">Messages waiting in a queue (every priority; delayed ones excluded); null for a stream group.</param>
/// <param name="OldestAge">Age of the oldest message waiting for or held by a consumer when sampled; null when there is none.</param>
public sealed record LagFigures(Destination Destination, string? Group, long Lag, long Pending, long? QueueLength, TimeSpan? OldestAge)
{
    /// <summary>How the figures are named to people: <c>stream:orders (group billing)</c>, <c>queue:emails</c>.</summary>
    public override string ToString() => Group is null ? Destination.ToString() : $"{Destination} (group {Group})";
}
