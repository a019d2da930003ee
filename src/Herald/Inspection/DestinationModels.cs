namespace Herald.Inspection;

/// <summary>One destination at a glance: what <c>herald ls</c> shows per row.</summary>
/// <param name="Destination">The destination.</param>
/// <param name="Layout">Partitions of a stream, priority levels of a queue, 1 for a channel.</param>
/// <param name="Length">Entries in a stream (all partitions); messages waiting in a queue (every level, delayed ones excluded); 0 for a channel.</param>
/// <param name="Groups">Consumer groups of a stream; 0 for queues and channels.</param>
/// <param name="Consumers">Distinct consumers of a stream's groups, registered consumers of a queue, subscribers of a channel.</param>
/// <param name="Lag">Work not yet handed to a consumer: the sum of a stream's group lags, the messages waiting in a queue.</param>
/// <param name="Pending">Work handed out and not finished: a stream's pending entries, a queue's in-flight messages.</param>
/// <param name="OldestAge">Age of the oldest message still waiting for or held by a consumer; null when there is none.</param>
/// <param name="DeadLetters">Dead letters that came from this destination.</param>
/// <param name="Paused">Whether some consumer group of it is paused cluster-wide.</param>
public sealed record DestinationSummary(
    Destination Destination,
    int Layout,
    long Length,
    int Groups,
    long Consumers,
    long Lag,
    long Pending,
    TimeSpan? OldestAge,
    long DeadLetters,
    bool Paused);

/// <summary>A Pub/Sub channel: who listens and what failed.</summary>
/// <param name="Name">The channel.</param>
/// <param name="Subscribers">Clients subscribed to exactly this channel now (<c>PUBSUB NUMSUB</c>; pattern subscribers are not counted).</param>
/// <param name="DeadLetters">Dead letters of messages received on this channel.</param>
/// <param name="PausedGroups">Consumer groups of this channel paused cluster-wide.</param>
public sealed record ChannelDetails(string Name, long Subscribers, long DeadLetters, IReadOnlyList<string> PausedGroups);

/// <summary>A consumer group paused cluster-wide through <see cref="HeraldInspector.PauseAsync"/>.</summary>
/// <param name="Destination">The destination whose group is paused.</param>
/// <param name="Group">The consumer group.</param>
/// <param name="Since">When it was paused; null when the pause was set by something other than the inspector.</param>
public sealed record PausedGroup(Destination Destination, string Group, DateTimeOffset? Since);

/// <summary>Memory a destination takes in Redis, key by key (<c>MEMORY USAGE … SAMPLES n</c>: an estimate for large values).</summary>
/// <param name="Destination">The destination.</param>
/// <param name="Bytes">The sum over <paramref name="Keys"/>.</param>
/// <param name="Keys">Each existing key of the destination and its size, largest first.</param>
public sealed record DestinationMemory(Destination Destination, long Bytes, IReadOnlyList<KeyMemory> Keys);

/// <summary>One key's memory.</summary>
/// <param name="Key">The Redis key.</param>
/// <param name="Bytes">Bytes it takes, value and overhead.</param>
public sealed record KeyMemory(string Key, long Bytes);
