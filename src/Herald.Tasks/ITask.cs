namespace Herald.Tasks;

/// <summary>A task that takes <typeparamref name="TArgs"/> and returns <typeparamref name="TResult"/>.</summary>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
/// <typeparam name="TResult">The result's type.</typeparam>
public interface ITask<in TArgs, TResult>
{
    /// <summary>Runs the task. Return to succeed; throw to fail the attempt (retried per its settings).</summary>
    ValueTask<TResult> RunAsync(TArgs args, TaskContext context, CancellationToken cancellationToken);
}

/// <summary>A task that takes <typeparamref name="TArgs"/> and returns nothing.</summary>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
public interface ITask<in TArgs>
{
    /// <summary>Runs the task. Return to succeed; throw to fail the attempt (retried per its settings).</summary>
    ValueTask RunAsync(TArgs args, TaskContext context, CancellationToken cancellationToken);
}
