namespace Herald.Inspection;

/// <summary>How a group's lag was obtained.</summary>
public enum LagAccuracy
{
    /// <summary>Redis reported it (<c>XINFO GROUPS</c> <c>lag</c>, Redis 7+).</summary>
    Reported,

    /// <summary>Redis could not tell (deletions or trimming after the group's position); Herald counted the entries after the last delivered id.</summary>
    Counted,

    /// <summary>Counted, but the count stopped at its limit: the lag is at least this.</summary>
    AtLeast,
}

/// <summary>A logical stream: all its partitions, and its consumer groups summed over them.</summary>
/// <param name="Name">The stream's name.</param>
/// <param name="Partitions">Physical streams behind it.</param>
/// <param name="Length">Entries over all partitions.</param>
/// <param name="FirstEntryId">The oldest entry's id (over all partitions), or null when empty.</param>
/// <param name="FirstEntryAge">How long ago the oldest entry was added.</param>
/// <param name="LastEntryId">The newest entry's id, or null when empty.</param>
/// <param name="LastEntryAge">How long ago the newest entry was added.</param>
/// <param name="Groups">Each consumer group, summed over the partitions (and the group's retried streams).</param>
/// <param name="DeadLetters">Dead letters of this stream, over all partitions.</param>
/// <param name="PartitionDetails">Each physical stream with its own figures.</param>
public sealed record StreamDetails(
    string Name,
    int Partitions,
    long Length,
    string? FirstEntryId,
    TimeSpan? FirstEntryAge,
    string? LastEntryId,
    TimeSpan? LastEntryAge,
    IReadOnlyList<StreamGroupDetails> Groups,
    long DeadLetters,
    IReadOnlyList<StreamPartitionDetails> PartitionDetails);

/// <summary>One physical stream of a logical one.</summary>
/// <param name="Partition">The partition number (0 for an unpartitioned stream).</param>
/// <param name="Key">The Redis key.</param>
/// <param name="Length">Entries.</param>
/// <param name="FirstEntryId">The oldest entry's id, or null when empty.</param>
/// <param name="FirstEntryAge">How long ago the oldest entry was added.</param>
/// <param name="LastEntryId">The newest entry's id, or null when empty.</param>
/// <param name="LastEntryAge">How long ago the newest entry was added.</param>
/// <param name="Groups">The consumer groups of this partition.</param>
/// <param name="DeadLetters">Dead letters in this partition's dead-letter stream that came from the stream.</param>
public sealed record StreamPartitionDetails(
    int Partition,
    string Key,
    long Length,
    string? FirstEntryId,
    TimeSpan? FirstEntryAge,
    string? LastEntryId,
    TimeSpan? LastEntryAge,
    IReadOnlyList<StreamGroupDetails> Groups,
    long DeadLetters);

/// <summary>
/// A consumer group: how far behind it is and what it holds. Figures include the group's retried streams
/// (where its due delayed retries wait to be read again); <see cref="DelayedRetries"/> are those not yet due.
/// </summary>
/// <param name="Name">The group's name.</param>
/// <param name="Consumers">Its consumers, each summed over partitions.</param>
/// <param name="Pending">Entries delivered to a consumer and not yet acknowledged.</param>
/// <param name="Lag">Entries not yet delivered to any consumer of the group.</param>
/// <param name="LagAccuracy">Whether <paramref name="Lag"/> is Redis' figure, a count, or a lower bound.</param>
/// <param name="LastDeliveredId">The last id delivered to the group; null when summed over several partitions.</param>
/// <param name="EntriesRead">Entries the group has read (Redis 7+), summed over partitions; null when Redis cannot tell for one of them.</param>
/// <param name="OldestPendingAge">Age of the oldest pending entry (since it was added); null when nothing is pending.</param>
/// <param name="OldestPendingIdle">Time since that entry was last delivered: long idle times mean a stuck or dead consumer.</param>
/// <param name="OldestWaitingAge">Age of the oldest entry not yet delivered to the group; null when it has read everything.</param>
/// <param name="DelayedRetries">Messages the group failed that wait for a delayed retry.</param>
/// <param name="Paused">Whether the group is paused cluster-wide.</param>
public sealed record StreamGroupDetails(
    string Name,
    IReadOnlyList<StreamConsumerDetails> Consumers,
    long Pending,
    long Lag,
    LagAccuracy LagAccuracy,
    string? LastDeliveredId,
    long? EntriesRead,
    TimeSpan? OldestPendingAge,
    TimeSpan? OldestPendingIdle,
    TimeSpan? OldestWaitingAge,
    long DelayedRetries,
    bool Paused);

/// <summary>One consumer of a group, summed over the partitions it reads.</summary>
/// <param name="Name">The consumer's name.</param>
/// <param name="Pending">Entries it holds and has not acknowledged.</param>
/// <param name="Idle">Time since it last tried to read, claim or acknowledge (the shortest over partitions).</param>
/// <param name="Inactive">Time since its last successful interaction (Redis 7.2+; null when the server does not say).</param>
public sealed record StreamConsumerDetails(string Name, long Pending, TimeSpan Idle, TimeSpan? Inactive);
