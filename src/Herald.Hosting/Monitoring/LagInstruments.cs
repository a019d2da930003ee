using System.Diagnostics.Metrics;
using Herald.Diagnostics;

namespace Herald.Hosting.Monitoring;

/// <summary>
/// The observable gauges fed by <see cref="HeraldLagMonitor"/>. A meter keeps every instrument created on it,
/// so they are created once per process, on first use, and read the latest figures of every running monitor
/// (normally one per host).
/// </summary>
internal static class LagInstruments
{
    private static readonly Lock s_lock = new();
    private static HeraldLagMonitor[] s_monitors = [];

    /// <summary>The gauges, created with the first registration.</summary>
    internal static IReadOnlyList<Instrument> Instruments { get; } =
    [
        HeraldDiagnostics.Meter.CreateObservableGauge(
            "herald.consumer.lag", static () => Observe<long>(static f => f.Lag), "{message}",
            "Messages not yet handed to a consumer: a stream group's lag, the messages waiting in a queue."),
        HeraldDiagnostics.Meter.CreateObservableGauge(
            "herald.consumer.pending", static () => Observe<long>(static f => f.Pending), "{message}",
            "Messages handed to a consumer and not finished: a stream group's pending entries, a queue's in-flight messages."),
        HeraldDiagnostics.Meter.CreateObservableGauge(
            "herald.queue.length", static () => Observe<long>(static f => f.QueueLength), "{message}",
            "Messages waiting in a queue, every priority level, delayed ones excluded."),
        HeraldDiagnostics.Meter.CreateObservableGauge(
            "herald.message.oldest_age", static () => Observe<double>(static f => f.OldestAge?.TotalSeconds ?? 0d), "s",
            "Age of the oldest message a stream group or queue has not finished (waiting or held); 0 when there is none."),
    ];

    /// <summary>Reports <paramref name="monitor"/>'s figures until <see cref="Unregister"/>.</summary>
    public static void Register(HeraldLagMonitor monitor)
    {
        lock (s_lock)
        {
            s_monitors = [.. s_monitors, monitor];
        }
    }

    /// <summary>Stops reporting <paramref name="monitor"/>'s figures.</summary>
    public static void Unregister(HeraldLagMonitor monitor)
    {
        lock (s_lock)
        {
            s_monitors = [.. s_monitors.Where(m => !ReferenceEquals(m, monitor))];
        }
    }

    // Stale figures are still reported: the last known value says more than a gap, and the health check says they are stale.
    private static IEnumerable<Measurement<T>> Observe<T>(Func<LagFigures, T?> value)
        where T : struct
    {
        foreach (var monitor in Volatile.Read(ref s_monitors))
        {
            if (monitor.Current is not { HasSample: true } snapshot)
            {
                continue;
            }

            foreach (var figures in snapshot.Figures)
            {
                if (value(figures) is { } measured)
                {
                    yield return new Measurement<T>(measured, HeraldDiagnostics.Tags(figures.Destination, figures.Group));
                }
            }
        }
    }
}
