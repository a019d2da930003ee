using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Herald.Prometheus;

/// <summary>
/// Listens to Herald's meters (<see cref="PrometheusCollectorOptions.Meters"/>) through a
/// <see cref="MeterListener"/> and keeps what a Prometheus scrape needs: cumulative counter sums, histogram
/// buckets at each instrument's advised bounds, gauge values. Observable instruments are read at scrape
/// time. Counting starts when the collector is created; dispose it to stop listening.
/// </summary>
public sealed class PrometheusCollector : IDisposable
{
    /// <summary>The content type of the text exposition format 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly HashSet<string> _meters;
    private readonly double[] _defaultBounds;
    private readonly ConcurrentDictionary<Instrument, MetricFamily> _byInstrument = new();
    private readonly ConcurrentDictionary<string, MetricFamily> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _labelNames = new(StringComparer.Ordinal);
    private readonly Lock _scrapeLock = new();

    /// <summary>Starts listening.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PrometheusCollector(PrometheusCollectorOptions? options = null)
    {
        options ??= new PrometheusCollectorOptions();
        options.Validate();
        _meters = new HashSet<string>(options.Meters, StringComparer.Ordinal);
        _defaultBounds = [.. options.DefaultHistogramBounds];
        _listener.InstrumentPublished = Publish;
        _listener.MeasurementsCompleted = Complete;
        _listener.SetMeasurementEventCallback<byte>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<short>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<float>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<decimal>((instrument, value, tags, state) => Record(instrument, (double)value, tags, state));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and returns the whole exposition text.</summary>
    public string Scrape()
    {
        var text = new StringBuilder(4096);
        lock (_scrapeLock)
        {
            foreach (var family in _byName.Values)
            {
                family.ClearObserved();
            }

            _listener.RecordObservableInstruments();
            PrometheusText.Write(text, _byName.Values.OrderBy(static f => f.Name, StringComparer.Ordinal).Select(static f => f.Snapshot()));
        }

        return text.ToString();
    }

    /// <summary>Scrapes and writes the exposition to <paramref name="destination"/> in UTF-8.</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = Encoding.UTF8.GetBytes(Scrape());
        await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private static (MetricKind Kind, bool Observable, bool Set)? Classify(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        return definition switch
        {
            _ when definition == typeof(Counter<>) => (MetricKind.Counter, false, false),
            _ when definition == typeof(UpDownCounter<>) => (MetricKind.Gauge, false, false),
            _ when definition == typeof(Histogram<>) => (MetricKind.Histogram, false, false),
            _ when definition == typeof(Gauge<>) => (MetricKind.Gauge, false, true),
            _ when definition == typeof(ObservableCounter<>) => (MetricKind.Counter, true, true),
            _ when definition == typeof(ObservableUpDownCounter<>) => (MetricKind.Gauge, true, true),
            _ when definition == typeof(ObservableGauge<>) => (MetricKind.Gauge, true, true),
            _ => null,
        };
    }

    private static double[]? AdvisedBounds(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b).ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b).ToArray(),
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b).ToArray(),
        _ => null,
    };

    private void Publish(Instrument instrument, MeterListener listener)
    {
        if (!_meters.Contains(instrument.Meter.Name) || Classify(instrument) is not { } shape)
        {
            return;
        }

        var name = PrometheusText.MetricName(instrument.Name, instrument.Unit, shape.Kind);
        var bounds = shape.Kind == MetricKind.Histogram ? AdvisedBounds(instrument) ?? _defaultBounds : null;
        var family = _byName.GetOrAdd(name, _ => new MetricFamily(name, instrument.Description ?? instrument.Name, shape.Kind, shape.Observable, bounds));
        if (family.Kind != shape.Kind || family.Observable != shape.Observable)
        {
            // Two instruments that read as one name but differ in type cannot share a family: the first wins.
            return;
        }

        family.AddInstrument();
        _byInstrument[instrument] = family;
        listener.EnableMeasurementEvents(instrument, shape.Set);
    }

    private void Complete(Instrument instrument, object? state)
    {
        if (_byInstrument.TryRemove(instrument, out var family) && family.RemoveInstrument() == 0)
        {
            _byName.TryRemove(new KeyValuePair<string, MetricFamily>(family.Name, family));
        }
    }

    // The listener state says whether a measurement replaces the series' value (gauges, observed values) or adds to it.
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? replaces)
    {
        if (!_byInstrument.TryGetValue(instrument, out var family))
        {
            return;
        }

        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var (key, tagValue) in tags)
        {
            if (tagValue is null)
            {
                continue;
            }

            var text = tagValue as string ?? Convert.ToString(tagValue, CultureInfo.InvariantCulture) ?? string.Empty;
            labels.Add(new(_labelNames.GetOrAdd(key, PrometheusText.SanitizeLabelName), text));
        }

        family.Record(new LabelSet([.. labels]), value, set: replaces is true);
    }
}
