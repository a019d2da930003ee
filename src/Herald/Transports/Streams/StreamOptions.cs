namespace Herald.Transports.Streams;

/// <summary>
/// Settings of one stream. Retention is safe by default: <see cref="MaxLength"/> and <see cref="MaxAge"/>
/// only remove entries every consumer group has acknowledged. <see cref="HardCap"/> is the exception, for
/// users who prefer bounded memory to keeping unread entries.
/// </summary>
public sealed class StreamOptions
{
    /// <summary>Physical streams behind the logical one, each with its own hash tag (so a cluster spreads them). Default 1.</summary>
    public int Partitions { get; set; } = 1;

    /// <summary>Keep at most this many acknowledged entries; unacknowledged ones are always kept. Null: no length limit (default).</summary>
    public long? MaxLength { get; set; }

    /// <summary>Remove acknowledged entries older than this; unacknowledged ones are always kept. Null: no age limit (default).</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>A hard cap applied on every add (<c>XADD MAXLEN ~</c>): it may remove entries nobody has read. Null: none (default).</summary>
    public long? HardCap { get; set; }

    /// <summary>How often a consumer applies the retention rules. Default 10 s.</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Partitions is < 1 or > 1024)
        {
            throw new InvalidOptionException(nameof(Partitions), $"must be between 1 and 1024 (it is {Partitions}).");
        }

        if (MaxLength is < 1)
        {
            throw new InvalidOptionException(nameof(MaxLength), $"must be at least 1 when set (it is {MaxLength}).");
        }

        if (MaxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new InvalidOptionException(nameof(MaxAge), $"must be positive when set (it is {age}).");
        }

        if (HardCap is < 1)
        {
            throw new InvalidOptionException(nameof(HardCap), $"must be at least 1 when set (it is {HardCap}).");
        }

        if (TrimInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidOptionException(nameof(TrimInterval), $"must be at least 100 ms (it is {TrimInterval}).");
        }
    }

    /// <summary>The partition of a message: by partition key (stable hash) when it has one.</summary>
    internal int PartitionOf(string? key, ref int roundRobin)
    {
        if (Partitions == 1)
        {
            return 0;
        }

        if (key is null)
        {
            return (int)((uint)Interlocked.Increment(ref roundRobin) % (uint)Partitions);
        }

        // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Partitions);
    }
}
