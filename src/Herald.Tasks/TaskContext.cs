namespace Herald.Tasks;

/// <summary>What a running task knows about itself.</summary>
public sealed class TaskContext
{
    internal TaskContext(string taskId, string taskName, string queue, int attempt, int maxRetries, DateTimeOffset enqueuedAt,
        IReadOnlyDictionary<string, string> headers, string workerId, CancellationToken cancellationToken)
    {
        TaskId = taskId;
        TaskName = taskName;
        Queue = queue;
        Attempt = attempt;
        MaxRetries = maxRetries;
        EnqueuedAt = enqueuedAt;
        Headers = headers;
        WorkerId = workerId;
        CancellationToken = cancellationToken;
    }

    /// <summary>The task id (stable across retries).</summary>
    public string TaskId { get; }

    /// <summary>The task name.</summary>
    public string TaskName { get; }

    /// <summary>The queue it came from.</summary>
    public string Queue { get; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; }

    /// <summary>How many retries this task may have after its first attempt.</summary>
    public int MaxRetries { get; }

    /// <summary>True when a failure now would be final.</summary>
    public bool IsLastAttempt => Attempt > MaxRetries;

    /// <summary>When it was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; }

    /// <summary>The producer's headers (without Herald's own <c>task-</c> headers).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The id of the worker running it.</summary>
    public string WorkerId { get; }

    /// <summary>Cancelled at the task's timeout, when it is revoked with termination, or when the worker stops past its grace period.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Makes the exception that asks for another run: <c>throw context.Retry(TimeSpan.FromMinutes(1), "rate limited upstream");</c>.
    /// It spends an attempt; when none is left the task fails.
    /// </summary>
    /// <param name="delay">The wait before the retry; null uses the task's backoff.</param>
    /// <param name="reason">Why, recorded as the attempt's error.</param>
    /// <param name="innerException">The error behind it, if any.</param>
    public TaskRetryException Retry(TimeSpan? delay = null, string? reason = null, Exception? innerException = null) =>
        new(delay, reason ?? innerException?.Message ?? $"Task {TaskName} {TaskId} asked to be retried.", innerException);
}
