using Microsoft.Extensions.Logging;

namespace Herald.Hosting.Monitoring;

/// <summary>Log messages of the lag monitor (event ids 3100–3199).</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(3100, LogLevel.Warning, "Sampling Herald's lag failed; the figures of {SampledAt:O} are kept and marked stale")]
    public static partial void SampleFailed(ILogger logger, DateTimeOffset sampledAt, Exception exception);

    [LoggerMessage(3101, LogLevel.Debug, "Sampling Herald's lag failed again: {Error}")]
    public static partial void SampleStillFailing(ILogger logger, string error);

    [LoggerMessage(3102, LogLevel.Information, "Sampling Herald's lag works again ({Count} groups and queues)")]
    public static partial void SampleRecovered(ILogger logger, int count);
}
