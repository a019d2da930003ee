using Herald.Redis;

namespace Herald.Tasks;

/// <summary>A task whose result was asked for ended without one: it failed, was revoked, or expired.</summary>
public sealed class TaskFailedException : HeraldException
{
    /// <summary>Creates the exception from the task's final state.</summary>
    public TaskFailedException(TaskInfo info)
        : base(Describe(info))
    {
        Info = info;
    }

    /// <summary>The task's final state.</summary>
    public TaskInfo Info { get; }

    private static string Describe(TaskInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var what = info.State switch
        {
            TaskState.Revoked => "was revoked",
            TaskState.Expired => "expired before a worker started it",
            _ => $"failed after {info.Attempt} attempt(s)",
        };
        return info.Error is { Length: > 0 } error ? $"Task {info.TaskId} {what}: {error}" : $"Task {info.TaskId} {what}.";
    }
}

/// <summary>
/// Thrown by a task (made with <see cref="TaskContext.Retry"/>) to be run again after a delay. It spends an
/// attempt; once the task's retries are used up, the task fails with this exception's message.
/// </summary>
public sealed class TaskRetryException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="delay">The wait before the retry; null uses the task's backoff.</param>
    /// <param name="reason">Why, recorded as the attempt's error.</param>
    /// <param name="innerException">The error behind it, if any.</param>
    public TaskRetryException(TimeSpan? delay, string reason, Exception? innerException = null)
        : base(reason, innerException)
    {
        if (delay is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(delay));
        }

        Delay = delay;
    }

    /// <summary>The wait before the retry; null uses the task's backoff.</summary>
    public TimeSpan? Delay { get; }
}
