namespace Herald.Redis.Commands;

/// <summary>What <c>XINFO STREAM</c> reports. Fields added in Redis 7.0/7.2 are null on servers that lack them.</summary>
/// <param name="Length">Number of entries.</param>
/// <param name="RadixTreeKeys">Keys of the underlying radix tree.</param>
/// <param name="RadixTreeNodes">Nodes of the underlying radix tree.</param>
/// <param name="Groups">Number of consumer groups.</param>
/// <param name="LastGeneratedId">The last id added (it may have been deleted since).</param>
/// <param name="MaxDeletedEntryId">The largest id ever deleted (Redis 7.0+).</param>
/// <param name="EntriesAdded">Entries ever added (Redis 7.0+).</param>
/// <param name="RecordedFirstEntryId">The first id still present, as recorded by the server (Redis 7.2+).</param>
/// <param name="FirstEntry">The first entry, or null when the stream is empty.</param>
/// <param name="LastEntry">The last entry, or null when the stream is empty.</param>
public sealed record StreamInfo(
    long Length,
    long RadixTreeKeys,
    long RadixTreeNodes,
    long Groups,
    string LastGeneratedId,
    string? MaxDeletedEntryId,
    long? EntriesAdded,
    string? RecordedFirstEntryId,
    StreamEntry? FirstEntry,
    StreamEntry? LastEntry);

/// <summary>One consumer group as <c>XINFO GROUPS</c> reports it.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Consumers">Number of consumers.</param>
/// <param name="Pending">Entries delivered but not acknowledged.</param>
/// <param name="LastDeliveredId">The last id delivered to the group.</param>
/// <param name="EntriesRead">Entries the group has read (Redis 7.0+; null when the server cannot tell).</param>
/// <param name="Lag">Entries not yet delivered to the group (Redis 7.0+; null when the server cannot tell, e.g. after deletions).</param>
public sealed record StreamGroupInfo(string Name, long Consumers, long Pending, string LastDeliveredId, long? EntriesRead, long? Lag);

/// <summary>One consumer as <c>XINFO CONSUMERS</c> reports it.</summary>
/// <param name="Name">The consumer's name.</param>
/// <param name="Pending">Entries delivered to it and not acknowledged.</param>
/// <param name="Idle">Time since it last attempted an interaction (read, claim, ack).</param>
/// <param name="Inactive">Time since its last successful interaction (Redis 7.2+; null when absent or never).</param>
public sealed record StreamConsumerInfo(string Name, long Pending, TimeSpan Idle, TimeSpan? Inactive);
