namespace Herald.Redis.Commands;

/// <summary>What <c>XPENDING key group</c> reports: the group's pending entries in summary.</summary>
/// <param name="Count">Entries delivered and not acknowledged.</param>
/// <param name="SmallestId">The smallest pending id, or null when nothing is pending.</param>
/// <param name="LargestId">The largest pending id, or null when nothing is pending.</param>
/// <param name="Consumers">Each consumer with pending entries and how many it holds.</param>
public sealed record PendingSummary(long Count, string? SmallestId, string? LargestId, IReadOnlyList<KeyValuePair<string, long>> Consumers);

/// <summary>One pending entry as <c>XPENDING key group … count</c> reports it.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="Consumer">The consumer that holds it.</param>
/// <param name="Idle">Time since it was last delivered.</param>
/// <param name="DeliveryCount">How many times it was delivered.</param>
public sealed record PendingEntry(string Id, string Consumer, TimeSpan Idle, long DeliveryCount);

/// <summary>What <c>XAUTOCLAIM</c> returns.</summary>
/// <param name="NextStartId">Where the next call should start; <c>0-0</c> when the scan is complete.</param>
/// <param name="Entries">The entries claimed.</param>
/// <param name="DeletedIds">Ids that were pending but whose entries no longer exist; Redis 7 removes them from the pending list (empty on older servers).</param>
public sealed record AutoClaimResult(string NextStartId, IReadOnlyList<StreamEntry> Entries, IReadOnlyList<string> DeletedIds);

/// <summary>The options of <c>XCLAIM</c>.</summary>
public readonly record struct StreamClaimOptions
{
    /// <summary><c>IDLE ms</c>: set the entries' idle time instead of resetting it to 0. Default none.</summary>
    public TimeSpan? Idle { get; init; }

    /// <summary><c>RETRYCOUNT n</c>: set the delivery count instead of incrementing it. Default none.</summary>
    public long? RetryCount { get; init; }

    /// <summary><c>FORCE</c>: create pending entries for ids not yet pending (when they exist in the stream). Default false.</summary>
    public bool Force { get; init; }

    /// <summary>Number of arguments these options add.</summary>
    internal int ArgumentCount => (Idle.HasValue ? 2 : 0) + (RetryCount.HasValue ? 2 : 0) + (Force ? 1 : 0);

    /// <summary>Writes the options from <paramref name="index"/>; returns the next index.</summary>
    internal int WriteTo(RedisArg[] args, int index)
    {
        if (Idle is { } idle)
        {
            args[index++] = "IDLE";
            args[index++] = RedisReplies.ToMilliseconds(idle, nameof(Idle));
        }

        if (RetryCount is { } retryCount)
        {
            args[index++] = "RETRYCOUNT";
            args[index++] = retryCount;
        }

        if (Force)
        {
            args[index++] = "FORCE";
        }

        return index;
    }
}
