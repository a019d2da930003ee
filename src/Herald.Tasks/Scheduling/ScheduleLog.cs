using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Scheduling;

/// <summary>Periodic task scheduler log messages (event ids 5100–5199).</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(5100, LogLevel.Information, "Periodic task scheduler started with {Count} entr(y/ies): {Entries}")]
    public static partial void Started(ILogger logger, int count, string entries);

    [LoggerMessage(5101, LogLevel.Debug, "Periodic task {Entry} enqueued {TaskName} {TaskId} on {Queue} for its tick at {Tick:O}")]
    public static partial void Enqueued(ILogger logger, string entry, string taskName, string taskId, string queue, DateTimeOffset tick);

    [LoggerMessage(5102, LogLevel.Debug, "Periodic task {Entry}: its tick at {Tick:O} was enqueued already (by another scheduler)")]
    public static partial void Duplicate(ILogger logger, string entry, DateTimeOffset tick);

    [LoggerMessage(5103, LogLevel.Information, "Periodic task {Entry} missed ticks after {Last:O}; only the latest, at {Tick:O}, is enqueued")]
    public static partial void CaughtUp(ILogger logger, string entry, DateTimeOffset last, DateTimeOffset tick);

    [LoggerMessage(5104, LogLevel.Warning, "Periodic task {Entry} could not enqueue its tick at {Tick:O}; trying again in {Delay}")]
    public static partial void EnqueueFailed(ILogger logger, string entry, DateTimeOffset tick, TimeSpan delay, Exception exception);

    [LoggerMessage(5105, LogLevel.Information, "Periodic task scheduler stopped")]
    public static partial void Stopped(ILogger logger);
}
