namespace Herald.Prometheus;

/// <summary>The Prometheus metric types Herald's instruments map to.</summary>
internal enum MetricKind
{
    /// <summary>A cumulative sum (counters, observable counters).</summary>
    Counter,

    /// <summary>A value that goes up and down (gauges, up-down counters).</summary>
    Gauge,

    /// <summary>Bucketed observations with their sum and count.</summary>
    Histogram,
}

/// <summary>One metric family as read at a scrape: its exposition name, help, type and series.</summary>
internal sealed record MetricSnapshot(string Name, string Help, MetricKind Kind, IReadOnlyList<SeriesSnapshot> Series);

/// <summary>
/// One series of a family. For a histogram, <see cref="BucketCounts"/> holds per-bucket (not cumulative)
/// counts, one per bound in <see cref="Bounds"/> plus one for the values above the last bound.
/// </summary>
internal sealed record SeriesSnapshot(
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    double Value,
    IReadOnlyList<double>? Bounds = null,
    IReadOnlyList<long>? BucketCounts = null,
    double Sum = 0,
    long Count = 0);
