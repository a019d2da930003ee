namespace Herald.Redis.Protocol;

/// <summary>
/// Bounds the parser enforces on untrusted input. A reply that exceeds one is a
/// <see cref="RedisProtocolException"/>, never an allocation sized by the peer.
/// </summary>
public sealed record RespLimits
{
    /// <summary>The defaults: 512 MiB bulk strings (Redis' own <c>proto-max-bulk-len</c>), 16 Mi elements, depth 128, 1 MiB lines.</summary>
    public static RespLimits Default { get; } = new();

    /// <summary>Largest bulk string, verbatim string or bulk error accepted, in bytes. Default 512 MiB.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest element count of one aggregate (a map counts its pairs). Default 16,777,216.</summary>
    public long MaxAggregateLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of aggregates. Default 128.</summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>Longest header or simple line (simple strings, errors, numbers), in bytes. Default 1 MiB.</summary>
    public int MaxLineLength { get; init; } = 1024 * 1024;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> when a bound is not positive, or so large that a value
    /// within it could not be held in one array (a map holds twice its pair count).
    /// </summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBulkLength, 1, nameof(MaxBulkLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBulkLength, Array.MaxLength, nameof(MaxBulkLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAggregateLength, 1, nameof(MaxAggregateLength));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAggregateLength, Array.MaxLength / 2, nameof(MaxAggregateLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineLength, 16, nameof(MaxLineLength));
    }
}
