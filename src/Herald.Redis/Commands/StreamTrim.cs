namespace Herald.Redis.Commands;

/// <summary>
/// How to trim a stream, for <c>XADD</c> and <c>XTRIM</c>: by length (<c>MAXLEN</c>) or by oldest id to keep
/// (<c>MINID</c>), exactly (<c>=</c>) or approximately (<c>~</c>, whole radix-tree nodes, far cheaper) with an
/// optional <c>LIMIT</c> on entries evicted per call (approximate only).
/// </summary>
public readonly record struct StreamTrim
{
    private StreamTrim(long? maxLength, string? minId, bool approximate, long? limit)
    {
        if (limit.HasValue && !approximate)
        {
            throw new ArgumentException("LIMIT applies only to approximate trimming.", nameof(limit));
        }

        if (limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A limit cannot be negative.");
        }

        MaxLength = maxLength;
        MinId = minId;
        Approximate = approximate;
        Limit = limit;
    }

    /// <summary>The length to keep (<c>MAXLEN</c>), or null when trimming by id.</summary>
    public long? MaxLength { get; }

    /// <summary>The oldest id to keep (<c>MINID</c>), or null when trimming by length.</summary>
    public string? MinId { get; }

    /// <summary>True for <c>~</c>, false for <c>=</c>.</summary>
    public bool Approximate { get; }

    /// <summary>The most entries one call evicts (<c>LIMIT</c>), or null for the server's default.</summary>
    public long? Limit { get; }

    /// <summary>Number of arguments these options add.</summary>
    internal int ArgumentCount => Limit.HasValue ? 5 : 3;

    /// <summary>Keep at most <paramref name="maxLength"/> entries.</summary>
    public static StreamTrim ToMaxLength(long maxLength, bool approximate = true, long? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        return new(maxLength, null, approximate, limit);
    }

    /// <summary>Evict entries with ids below <paramref name="minId"/>.</summary>
    public static StreamTrim ToMinId(string minId, bool approximate = true, long? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(minId);
        return new(null, minId, approximate, limit);
    }

    /// <summary>Writes the options from <paramref name="index"/>; returns the next index.</summary>
    internal int WriteTo(RedisArg[] args, int index)
    {
        if (MaxLength is null && MinId is null)
        {
            throw new ArgumentException("Create a trim with StreamTrim.ToMaxLength or StreamTrim.ToMinId.");
        }

        args[index++] = MaxLength.HasValue ? "MAXLEN" : "MINID";
        args[index++] = Approximate ? "~" : "=";
        args[index++] = MaxLength is { } length ? length : MinId;
        if (Limit is { } limit)
        {
            args[index++] = "LIMIT";
            args[index++] = limit;
        }

        return index;
    }
}

/// <summary>The options of <c>XADD</c>. The default lets the server pick the id, creates the stream and does not trim.</summary>
public readonly record struct StreamAddOptions
{
    /// <summary>The entry id; null or <see cref="StreamId.Auto"/> lets the server generate it. Default null.</summary>
    public string? Id { get; init; }

    /// <summary><c>NOMKSTREAM</c>: do not create a missing stream (the reply is then null). Default false.</summary>
    public bool NoMakeStream { get; init; }

    /// <summary>Trim in the same call. Default none.</summary>
    public StreamTrim? Trim { get; init; }
}
