namespace Herald.Inspection;

/// <summary>A reliable queue: what waits, what is scheduled, and who holds what.</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Priorities">Priority levels (0 is served first).</param>
/// <param name="Waiting">Messages ready to be taken, over all levels.</param>
/// <param name="Delayed">Messages scheduled for later (delayed publishes and retries), over all levels.</param>
/// <param name="InFlight">Messages taken by consumers and not yet finished.</param>
/// <param name="OldestWaitingAge">Age of the oldest ready message (from its envelope's time); null when none waits or its time is unknown.</param>
/// <param name="NextDelayedDue">When the next delayed message becomes due; null when none is scheduled.</param>
/// <param name="Levels">Each priority level.</param>
/// <param name="Consumers">Each registered consumer with its heartbeat and in-flight work, oldest heartbeat first.</param>
/// <param name="PausedGroups">Consumer groups of the queue paused cluster-wide.</param>
/// <param name="DeadLetters">Dead letters that came from this queue.</param>
public sealed record QueueDetails(
    string Name,
    int Priorities,
    long Waiting,
    long Delayed,
    long InFlight,
    TimeSpan? OldestWaitingAge,
    DateTimeOffset? NextDelayedDue,
    IReadOnlyList<QueueLevelDetails> Levels,
    IReadOnlyList<QueueConsumerDetails> Consumers,
    IReadOnlyList<string> PausedGroups,
    long DeadLetters);

/// <summary>One priority level of a queue.</summary>
/// <param name="Priority">The level (0 is served first).</param>
/// <param name="Waiting">Messages ready at this level.</param>
/// <param name="Delayed">Messages scheduled for later at this level.</param>
/// <param name="OldestWaitingAge">Age of the next message to be taken at this level; null when none waits or its time is unknown.</param>
public sealed record QueueLevelDetails(int Priority, long Waiting, long Delayed, TimeSpan? OldestWaitingAge);

/// <summary>A queue consumer as its heartbeat and processing list show it.</summary>
/// <param name="Name">The consumer's name.</param>
/// <param name="InFlight">Messages it took and has not finished.</param>
/// <param name="LastHeartbeat">When it last reported itself alive.</param>
/// <param name="HeartbeatAge">How long ago that was.</param>
/// <param name="PresumedDead">True when the heartbeat is older than the consumer timeout: the reaper of any other consumer returns its work to the queue.</param>
/// <param name="OldestInFlightAge">Age (from the envelope's time) of the oldest message it holds; null when it holds none.</param>
public sealed record QueueConsumerDetails(string Name, long InFlight, DateTimeOffset LastHeartbeat, TimeSpan HeartbeatAge, bool PresumedDead, TimeSpan? OldestInFlightAge);
