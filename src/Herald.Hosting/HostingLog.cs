using Microsoft.Extensions.Logging;

namespace Herald.Hosting;

/// <summary>Hosting log messages (event ids 3000–3099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(3000, LogLevel.Information, "Herald connected; started {Count} hosted consumers")]
    public static partial void Started(ILogger logger, int count);

    [LoggerMessage(3001, LogLevel.Error, "Hosted consumer of {Destination} failed to start; stopping the ones already started")]
    public static partial void StartFailed(ILogger logger, Destination destination, Exception exception);

    [LoggerMessage(3002, LogLevel.Information, "Stopping {Count} hosted consumers")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(3003, LogLevel.Error, "Hosted consumer of {Destination} (group {Group}) did not stop cleanly")]
    public static partial void StopFailed(ILogger logger, Destination destination, string group, Exception exception);

    [LoggerMessage(3004, LogLevel.Error, "A hosted task worker or scheduler failed to start; stopping the ones already started")]
    public static partial void TaskWorkerStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(3005, LogLevel.Error, "A hosted task worker did not stop cleanly")]
    public static partial void TaskWorkerStopFailed(ILogger logger, Exception exception);
}
