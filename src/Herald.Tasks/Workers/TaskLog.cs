using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Workers;

/// <summary>Task worker log messages (event ids 5000–5099).</summary>
internal static partial class TaskLog
{
    [LoggerMessage(5000, LogLevel.Information, "Task worker {Worker} started on {Queues} with {Count} task(s)")]
    public static partial void Started(ILogger logger, string worker, string queues, int count);

    [LoggerMessage(5001, LogLevel.Warning, "Task {TaskName} {TaskId} failed on attempt {Attempt}; retrying in {Delay}: {Error}")]
    public static partial void Retrying(ILogger logger, string taskName, string taskId, int attempt, TimeSpan delay, string error);

    [LoggerMessage(5002, LogLevel.Error, "Task {TaskName} {TaskId} failed for good on attempt {Attempt}: {Error}")]
    public static partial void Failed(ILogger logger, string taskName, string taskId, int attempt, string error);

    [LoggerMessage(5003, LogLevel.Information, "Task {TaskName} {TaskId} was revoked; {What}")]
    public static partial void Revoked(ILogger logger, string taskName, string taskId, string what);

    [LoggerMessage(5004, LogLevel.Information, "Task {TaskName} {TaskId} expired at {ExpiredAt} before it started; dropped")]
    public static partial void Expired(ILogger logger, string taskName, string taskId, DateTimeOffset expiredAt);

    [LoggerMessage(5005, LogLevel.Debug, "Task {TaskName} {TaskId} already succeeded; the repeated delivery is dropped")]
    public static partial void AlreadySucceeded(ILogger logger, string taskName, string taskId);

    [LoggerMessage(5006, LogLevel.Warning, "The task control channel failed; terminations reach this worker again once it is back")]
    public static partial void ControlFailed(ILogger logger, Exception exception);

    [LoggerMessage(5007, LogLevel.Warning, "Task {TaskName} {TaskId} ignored its cancelled token and was abandoned still running")]
    public static partial void Abandoned(ILogger logger, string taskName, string taskId);

    [LoggerMessage(5008, LogLevel.Warning, "Task {TaskName} {TaskId}: Redis did not take its state ({Error}); it goes back to the queue for {Delay}, its attempt not spent")]
    public static partial void StateUnavailable(ILogger logger, string taskName, string taskId, TimeSpan delay, string error);
}
