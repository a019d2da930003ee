using Microsoft.Extensions.Logging;

namespace Herald.Workers;

/// <summary>Worker registry and throughput history log messages (event ids 2400–2499).</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(2400, LogLevel.Warning, "Worker {WorkerId} could not announce itself; it tries again in {Interval}")]
    public static partial void HeartbeatFailed(ILogger logger, string workerId, TimeSpan interval, Exception exception);

    [LoggerMessage(2401, LogLevel.Warning, "Worker {WorkerId} could not add its throughput counts to the history; they are kept for the next attempt")]
    public static partial void FlushFailed(ILogger logger, string workerId, Exception exception);

    [LoggerMessage(2402, LogLevel.Warning, "Worker {WorkerId} could not remove itself from the registry; its entry expires by itself")]
    public static partial void RemoveFailed(ILogger logger, string workerId, Exception exception);
}
