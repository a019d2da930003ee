using Herald.Diagnostics;
using Herald.Redis.Diagnostics;

namespace Herald.Prometheus;

/// <summary>What <see cref="PrometheusCollector"/> collects.</summary>
public sealed class PrometheusCollectorOptions
{
    /// <summary>
    /// Names of the meters to collect. Default: <c>Herald</c> (the bus) and <c>Herald.Redis</c> (the Redis
    /// client). Any other <see cref="System.Diagnostics.Metrics.Meter"/> of the process may be added.
    /// </summary>
    public IList<string> Meters { get; } = [HeraldDiagnostics.Name, RedisClientMetrics.MeterName];

    /// <summary>Bucket upper bounds for histograms whose instrument advises none (OpenTelemetry's defaults).</summary>
    public IReadOnlyList<double> DefaultHistogramBounds { get; set; } = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>Checks the options once, when the collector is created.</summary>
    /// <exception cref="ArgumentException">No meter is named, a name is blank, or the default bounds are not strictly increasing.</exception>
    internal void Validate()
    {
        if (Meters.Count == 0 || Meters.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one meter to collect, and no blank ones.", nameof(Meters));
        }

        ArgumentNullException.ThrowIfNull(DefaultHistogramBounds);
        for (var i = 1; i < DefaultHistogramBounds.Count; i++)
        {
            if (!(DefaultHistogramBounds[i] > DefaultHistogramBounds[i - 1]))
            {
                throw new ArgumentException("Histogram bounds must be strictly increasing.", nameof(DefaultHistogramBounds));
            }
        }
    }
}
