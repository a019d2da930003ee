namespace Herald.Cli.Commands.Lag;

/// <summary>The <c>--json</c> shape of <c>herald lag</c>: one per refresh with <c>--watch</c>, written as one line each.</summary>
/// <param name="Time">When it was taken.</param>
/// <param name="Prefix">The key prefix read.</param>
/// <param name="Rows">One per consumer group of every stream, one per queue.</param>
internal sealed record LagSnapshot(DateTimeOffset Time, string Prefix, IReadOnlyList<LagRow> Rows);

/// <summary>How far one consumer group of a stream, or one queue, is behind.</summary>
/// <param name="Destination">The stream or queue, <c>kind:name</c>.</param>
/// <param name="Group">The consumer group; null for a queue, whose consumers share its messages.</param>
/// <param name="Lag">Not yet handed to a consumer: a group's lag, the messages waiting in a queue.</param>
/// <param name="LagAccuracy"><c>reported</c> by Redis, <c>counted</c>, or <c>atLeast</c> (a count that stopped at its limit).</param>
/// <param name="Pending">Handed out and not finished: pending entries, in-flight queue messages.</param>
/// <param name="OldestWaitingAgeSeconds">Age of the oldest message not yet handed out.</param>
/// <param name="OldestPendingAgeSeconds">Age of the oldest message handed out and not finished.</param>
/// <param name="Consumers">The group's consumers; a queue's live ones.</param>
/// <param name="DeadLetters">Dead letters of the destination (over all its groups).</param>
/// <param name="Paused">Whether the group (for a queue: any of its groups) is paused.</param>
/// <param name="LagChangePerSecond">How fast the lag moved since the previous snapshot; null in the first.</param>
internal sealed record LagRow(
    string Destination,
    string? Group,
    long Lag,
    string LagAccuracy,
    long Pending,
    double? OldestWaitingAgeSeconds,
    double? OldestPendingAgeSeconds,
    int Consumers,
    long DeadLetters,
    bool Paused,
    double? LagChangePerSecond);
