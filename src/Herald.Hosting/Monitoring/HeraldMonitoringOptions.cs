using System.Globalization;

namespace Herald.Hosting.Monitoring;

/// <summary>
/// How <see cref="HeraldLagMonitor"/> samples lag, pending work, queue lengths and oldest ages, and when the
/// health check calls them too high. Bound from the <c>Monitoring</c> section of Herald's configuration
/// (<c>Herald:Monitoring:SampleInterval</c>) and validated when the host starts.
/// </summary>
public sealed class HeraldMonitoringOptions
{
    /// <summary>The shortest <see cref="SampleInterval"/>: each sample is several Redis round trips per destination.</summary>
    public static readonly TimeSpan MinSampleInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the host samples at all; off, there are no lag gauges and the health check ignores lag. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between samples, from 50 ms to 1 hour. Default 10 s.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sample every stream and queue in Herald's registry, with all their groups, rather than only the
    /// destinations and groups this host consumes. Useful on a host that watches a deployment (each
    /// sample then reads every destination). Default false.
    /// </summary>
    public bool AllDestinations { get; set; }

    /// <summary>
    /// The health check reports <c>Degraded</c> when a stream group's lag or a queue's length is above this
    /// many messages; null turns the lag threshold off. Default 10 000.
    /// </summary>
    public long? MaxLag { get; set; } = 10_000;

    /// <summary>
    /// The health check reports <c>Degraded</c> when the oldest message a group or queue has not finished
    /// (waiting or held) is older than this; null turns it off (default), since how old is too old depends on the work.
    /// </summary>
    public TimeSpan? MaxOldestAge { get; set; }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (SampleInterval < MinSampleInterval || SampleInterval > TimeSpan.FromHours(1))
        {
            throw new InvalidOptionException(nameof(SampleInterval), string.Create(CultureInfo.InvariantCulture, $"must be between 00:00:00.050 and 01:00:00 (it is {SampleInterval})."));
        }

        if (MaxLag < 0)
        {
            throw new InvalidOptionException(nameof(MaxLag), string.Create(CultureInfo.InvariantCulture, $"must be 0 or more, or empty for no threshold (it is {MaxLag})."));
        }

        if (MaxOldestAge <= TimeSpan.Zero)
        {
            throw new InvalidOptionException(nameof(MaxOldestAge), string.Create(CultureInfo.InvariantCulture, $"must be positive, or empty for no threshold (it is {MaxOldestAge})."));
        }
    }
}
