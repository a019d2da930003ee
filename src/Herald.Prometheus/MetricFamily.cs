using System.Collections.Concurrent;

namespace Herald.Prometheus;

/// <summary>
/// The running state of one exposition family: cumulative sums for counters, last values for gauges,
/// bucket counts for histograms, per label set.
/// </summary>
internal sealed class MetricFamily(string name, string help, MetricKind kind, bool observable, double[]? bounds)
{
    private readonly ConcurrentDictionary<LabelSet, Series> _series = new();
    private int _instruments;

    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    /// <summary>True when values come from callbacks at scrape time (their series are read afresh each scrape).</summary>
    public bool Observable { get; } = observable;

    /// <summary>Instruments feeding this family; when the last one ends, so does the family.</summary>
    public int AddInstrument() => Interlocked.Increment(ref _instruments);

    public int RemoveInstrument() => Interlocked.Decrement(ref _instruments);

    /// <summary>Adds a measurement: summed for counters and synchronous up-down counters, bucketed for histograms, kept for gauges and observed values.</summary>
    public void Record(LabelSet labels, double value, bool set)
    {
        var series = _series.GetOrAdd(labels, static (_, buckets) => new Series(buckets), bounds?.Length ?? -1);
        if (Kind == MetricKind.Histogram)
        {
            series.Observe(bounds!, value);
        }
        else if (set)
        {
            series.Set(value);
        }
        else
        {
            series.Add(value);
        }
    }

    /// <summary>Forgets observed series before a scrape reads the callbacks again (a stopped consumer must vanish).</summary>
    public void ClearObserved()
    {
        if (Observable)
        {
            _series.Clear();
        }
    }

    public MetricSnapshot Snapshot() => new(
        Name,
        help,
        Kind,
        [.. _series.OrderBy(static pair => pair.Key.ToString(), StringComparer.Ordinal).Select(pair => pair.Value.Snapshot(pair.Key, bounds))]);

    private sealed class Series(int buckets)
    {
        private readonly Lock _lock = new();
        private readonly long[]? _buckets = buckets < 0 ? null : new long[buckets + 1];
        private double _value;
        private double _sum;
        private long _count;

        public void Add(double value)
        {
            lock (_lock)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_lock)
            {
                _value = value;
            }
        }

        // Prometheus buckets are "less than or equal": a value on a bound counts in that bound's bucket.
        public void Observe(double[] bounds, double value)
        {
            var index = Array.BinarySearch(bounds, value);
            if (index < 0)
            {
                index = ~index;
            }

            lock (_lock)
            {
                _buckets![index]++;
                _sum += value;
                _count++;
            }
        }

        public SeriesSnapshot Snapshot(LabelSet labels, double[]? bounds)
        {
            lock (_lock)
            {
                return _buckets is null
                    ? new SeriesSnapshot(labels.Labels, _value)
                    : new SeriesSnapshot(labels.Labels, 0, bounds, [.. _buckets], _sum, _count);
            }
        }
    }
}
