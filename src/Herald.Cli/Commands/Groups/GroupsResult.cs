using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Groups;

/// <summary>The <c>--json</c> shape of <c>herald groups</c> for a stream.</summary>
internal sealed record StreamGroupsResult(string Destination, int Partitions, long Length, long DeadLetters, IReadOnlyList<GroupRow> Groups)
{
    public static StreamGroupsResult From(Destination destination, StreamDetails stream) =>
        new(destination.ToString(), stream.Partitions, stream.Length, stream.DeadLetters, [.. stream.Groups.Select(GroupRow.From)]);
}

/// <summary>One consumer group (see <see cref="StreamGroupDetails"/>); <see cref="LagAccuracy"/> is <c>reported</c>, <c>counted</c> or <c>atLeast</c>.</summary>
internal sealed record GroupRow(
    string Name,
    long Lag,
    string LagAccuracy,
    long Pending,
    double? OldestWaitingAgeSeconds,
    double? OldestPendingAgeSeconds,
    double? OldestPendingIdleSeconds,
    long DelayedRetries,
    bool Paused,
    IReadOnlyList<GroupConsumerRow> Consumers)
{
    public static GroupRow From(StreamGroupDetails group) => new(
        group.Name,
        group.Lag,
        AccuracyName(group.LagAccuracy),
        group.Pending,
        Figures.Seconds(group.OldestWaitingAge),
        Figures.Seconds(group.OldestPendingAge),
        Figures.Seconds(group.OldestPendingIdle),
        group.DelayedRetries,
        group.Paused,
        [.. group.Consumers.Select(c => new GroupConsumerRow(c.Name, c.Pending, Figures.Seconds(c.Idle), Figures.Seconds(c.Inactive)))]);

    public static string AccuracyName(Inspection.LagAccuracy accuracy) => accuracy switch
    {
        Inspection.LagAccuracy.Reported => "reported",
        Inspection.LagAccuracy.Counted => "counted",
        _ => "atLeast",
    };
}

/// <summary>One consumer of a group: what it holds, and how long since it last read (idle) or last succeeded (inactive, Redis 7.2+).</summary>
internal sealed record GroupConsumerRow(string Name, long Pending, double IdleSeconds, double? InactiveSeconds);

/// <summary>The <c>--json</c> shape of <c>herald groups</c> for a queue (see <see cref="QueueDetails"/>).</summary>
internal sealed record QueueGroupsResult(
    string Destination,
    int Priorities,
    long Waiting,
    long Delayed,
    long InFlight,
    double? OldestWaitingAgeSeconds,
    DateTimeOffset? NextDelayedDue,
    long DeadLetters,
    IReadOnlyList<string> PausedGroups,
    IReadOnlyList<QueueConsumerRow> Consumers)
{
    public static QueueGroupsResult From(Destination destination, QueueDetails queue) => new(
        destination.ToString(),
        queue.Priorities,
        queue.Waiting,
        queue.Delayed,
        queue.InFlight,
        Figures.Seconds(queue.OldestWaitingAge),
        queue.NextDelayedDue,
        queue.DeadLetters,
        queue.PausedGroups,
        [.. queue.Consumers.Select(c => new QueueConsumerRow(c.Name, c.InFlight, Figures.Seconds(c.HeartbeatAge), c.PresumedDead, Figures.Seconds(c.OldestInFlightAge)))]);
}

/// <summary>One queue consumer: its in-flight work and heartbeat; presumed dead once the heartbeat is older than the consumer timeout.</summary>
internal sealed record QueueConsumerRow(string Name, long InFlight, double HeartbeatAgeSeconds, bool PresumedDead, double? OldestInFlightAgeSeconds);
