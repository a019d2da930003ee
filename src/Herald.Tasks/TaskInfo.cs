namespace Herald.Tasks;

/// <summary>What Redis knows of a task: its state, last attempt, timings and error. Read with <see cref="TaskClient.GetInfoAsync"/>.</summary>
public sealed record TaskInfo
{
    /// <summary>The task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The state; <see cref="TaskState.Pending"/> also for ids Redis has no state of.</summary>
    public TaskState State { get; init; }

    /// <summary>False when Redis holds no state for the id: not started yet, never enqueued, or its state expired.</summary>
    public bool Known { get; init; }

    /// <summary>The task name, once a worker claimed it.</summary>
    public string? Name { get; init; }

    /// <summary>The queue it ran from.</summary>
    public string? Queue { get; init; }

    /// <summary>The latest attempt (1 for the first); 0 before any.</summary>
    public int Attempt { get; init; }

    /// <summary>The worker that ran the latest attempt.</summary>
    public string? Worker { get; init; }

    /// <summary>When it was enqueued.</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }

    /// <summary>When the latest attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the latest attempt (or the revocation) ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the scheduled retry is due, while <see cref="TaskState.Retrying"/>.</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>The error of the latest failed attempt, or the reason it was revoked or expired.</summary>
    public string? Error { get; init; }

    /// <summary>The .NET type of that error.</summary>
    public string? ErrorType { get; init; }

    /// <summary>True when a result value is stored.</summary>
    public bool HasResult => Result is not null;

    /// <summary>The stored result as encoded by the worker's codec pipeline, or null.</summary>
    internal Codecs.EncodedBody? Result { get; init; }
}
