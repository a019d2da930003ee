using Herald.Consuming;

namespace Herald.Tasks.Workers;

/// <summary>A task a worker can run: its name, settings and code.</summary>
internal abstract class TaskDefinition(string name, TaskSettings settings)
{
    public string Name { get; } = name;

    public TaskSettings Settings { get; } = settings;

    /// <summary>Registers the task as the handler of its name on a queue's consumer.</summary>
    public abstract void Bind(ConsumerBuilder consumer, TaskRunner runner);
}

/// <summary>A task with typed arguments and result.</summary>
internal sealed class TaskDefinition<TArgs, TResult>(string name, TaskSettings settings, Func<TArgs, TaskContext, CancellationToken, ValueTask<TResult>> run, bool hasResult)
    : TaskDefinition(name, settings)
{
    public Func<TArgs, TaskContext, CancellationToken, ValueTask<TResult>> Run { get; } = run;

    /// <summary>False for tasks that return nothing: no result is stored.</summary>
    public bool HasResult { get; } = hasResult;

    public override void Bind(ConsumerBuilder consumer, TaskRunner runner) =>
        consumer.Handle<TArgs>((message, cancellationToken) => runner.RunAsync(this, message, cancellationToken), Name);
}
