namespace Herald.Tasks;

/// <summary>Where a task is in its life. <see cref="Succeeded"/>, <see cref="Failed"/>, <see cref="Revoked"/> and <see cref="Expired"/> are final.</summary>
public enum TaskState
{
    /// <summary>Enqueued (possibly for later) and not started, or not known to Redis: a task leaves no state until a worker claims it.</summary>
    Pending,

    /// <summary>A worker is running it.</summary>
    Started,

    /// <summary>A run failed and a delayed retry is scheduled.</summary>
    Retrying,

    /// <summary>It ran to completion; its result, if kept, is stored.</summary>
    Succeeded,

    /// <summary>It failed on its last allowed attempt, or with an error no retry can fix; it is in the dead-letter store.</summary>
    Failed,

    /// <summary>It was revoked before it finished.</summary>
    Revoked,

    /// <summary>It reached a worker after its expiry time and was dropped without running.</summary>
    Expired,
}

/// <summary>Helpers for <see cref="TaskState"/>.</summary>
public static class TaskStates
{
    /// <summary>True for the states in which a task is over.</summary>
    public static bool IsFinal(this TaskState state) =>
        state is TaskState.Succeeded or TaskState.Failed or TaskState.Revoked or TaskState.Expired;

    /// <summary>The name stored in Redis (lower case), documented in <c>docs/tasks.md</c>.</summary>
    public static string ToWire(this TaskState state) => state switch
    {
        TaskState.Pending => "pending",
        TaskState.Started => "started",
        TaskState.Retrying => "retrying",
        TaskState.Succeeded => "succeeded",
        TaskState.Failed => "failed",
        TaskState.Revoked => "revoked",
        TaskState.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a task state."),
    };

    /// <summary>Reads a stored state name; unknown names are <see cref="TaskState.Pending"/>.</summary>
    public static TaskState FromWire(string? text) => text switch
    {
        "started" => TaskState.Started,
        "retrying" => TaskState.Retrying,
        "succeeded" => TaskState.Succeeded,
        "failed" => TaskState.Failed,
        "revoked" => TaskState.Revoked,
        "expired" => TaskState.Expired,
        _ => TaskState.Pending,
    };
}
