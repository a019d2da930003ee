using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Herald.Diagnostics;

namespace Herald.Tests.Diagnostics;

/// <summary>
/// Collects every measurement of <c>Meter("Herald")</c> through a real <see cref="MeterListener"/>. The meter
/// is process-wide and tests run in parallel, so readers filter by a destination name only their test uses.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _measurements = new();

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HeraldDiagnostics.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every measurement of <paramref name="instrument"/> on <paramref name="destination"/>.</summary>
    public IReadOnlyList<Recorded> Of(string instrument, string destination) =>
        [.. _measurements.Where(m => m.Instrument == instrument && m.Tag("messaging.destination.name") == destination)];

    /// <summary>The sum of <paramref name="instrument"/> on <paramref name="destination"/>, over measurements matching <paramref name="where"/>.</summary>
    public double Sum(string instrument, string destination, Func<Recorded, bool>? where = null) =>
        Of(instrument, destination).Where(where ?? (static _ => true)).Sum(static m => m.Value);

    /// <summary>Takes one reading of the observable instruments now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue(new Recorded(instrument.Name, value, tags.ToArray().ToDictionary(static t => t.Key, static t => t.Value?.ToString(), StringComparer.Ordinal)));

    public sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
    {
        public string? Tag(string name) => Tags.GetValueOrDefault(name);
    }
}
