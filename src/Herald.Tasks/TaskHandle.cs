namespace Herald.Tasks;

/// <summary>An enqueued task: its id and queue, and the calls that follow it up.</summary>
public class TaskHandle
{
    internal TaskHandle(TaskClient client, string taskId, string taskName, string queue, bool duplicate = false)
    {
        Client = client;
        TaskId = taskId;
        TaskName = taskName;
        Queue = queue;
        Duplicate = duplicate;
    }

    /// <summary>The task id.</summary>
    public string TaskId { get; }

    /// <summary>The task name.</summary>
    public string TaskName { get; }

    /// <summary>The queue it was sent to.</summary>
    public string Queue { get; }

    /// <summary>
    /// True when this enqueue was dropped because a task with the same id was enqueued on the queue within
    /// <see cref="TaskOptions.UniqueFor"/>; the handle then follows that earlier task.
    /// </summary>
    public bool Duplicate { get; }

    /// <summary>The client that enqueued it.</summary>
    protected TaskClient Client { get; }

    /// <summary>Reads the task's current state.</summary>
    public ValueTask<TaskInfo> GetInfoAsync(CancellationToken cancellationToken = default) => Client.GetInfoAsync(TaskId, cancellationToken);

    /// <summary>Waits until the task is over and returns its final state.</summary>
    /// <exception cref="TimeoutException">It was not over within <paramref name="timeout"/>.</exception>
    public ValueTask<TaskInfo> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => Client.WaitAsync(TaskId, timeout, cancellationToken);

    /// <summary>Revokes the task (see <see cref="TaskClient.RevokeAsync"/>).</summary>
    public ValueTask<bool> RevokeAsync(bool terminate = false, CancellationToken cancellationToken = default) => Client.RevokeAsync(TaskId, terminate, cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"{TaskName} {TaskId} on {Queue}";
}

/// <summary>An enqueued task whose result is a <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TResult">The result's type.</typeparam>
public sealed class TaskHandle<TResult> : TaskHandle
{
    internal TaskHandle(TaskClient client, string taskId, string taskName, string queue, bool duplicate = false)
        : base(client, taskId, taskName, queue, duplicate)
    {
    }

    /// <summary>Waits for the task and returns its result.</summary>
    /// <exception cref="TimeoutException">It was not over within <paramref name="timeout"/>.</exception>
    /// <exception cref="TaskFailedException">It failed, was revoked or expired.</exception>
    public ValueTask<TResult> GetResultAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Client.GetResultAsync<TResult>(TaskId, timeout, cancellationToken);
}
