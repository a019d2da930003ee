using Herald.Consuming;
using Herald.Tasks.State;
using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Workers;

/// <summary>Configures a task worker: its options and the tasks it runs, then <see cref="StartAsync"/>.</summary>
public sealed class TaskWorkerBuilder
{
    private readonly HeraldClient _bus;
    private readonly Dictionary<string, TaskDefinition> _tasks = new(StringComparer.Ordinal);

    internal TaskWorkerBuilder(HeraldClient bus, TaskWorkerOptions options)
    {
        _bus = bus;
        Options = options;
    }

    /// <summary>The options of the worker being built.</summary>
    public TaskWorkerOptions Options { get; }

    /// <summary>Runs <paramref name="task"/> with <paramref name="run"/>.</summary>
    /// <exception cref="ArgumentException">A task of that name is registered already, or a setting is invalid.</exception>
    public TaskWorkerBuilder Register<TArgs, TResult>(TaskName<TArgs, TResult> task, Func<TArgs, TaskContext, CancellationToken, ValueTask<TResult>> run, Action<TaskSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Register(task.Name, run, configure);
    }

    /// <summary>Runs the task named <paramref name="name"/> with <paramref name="run"/>, storing what it returns as its result.</summary>
    /// <exception cref="ArgumentException">The name is invalid or registered already, or a setting is invalid.</exception>
    public TaskWorkerBuilder Register<TArgs, TResult>(string name, Func<TArgs, TaskContext, CancellationToken, ValueTask<TResult>> run, Action<TaskSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(new TaskDefinition<TArgs, TResult>(name, Settings(name, configure), run, hasResult: true));
    }

    /// <summary>Runs the task named <paramref name="name"/>, which returns nothing, with <paramref name="run"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or registered already, or a setting is invalid.</exception>
    public TaskWorkerBuilder Register<TArgs>(string name, Func<TArgs, TaskContext, CancellationToken, ValueTask> run, Action<TaskSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(new TaskDefinition<TArgs, bool>(name, Settings(name, configure), async (args, context, cancellationToken) =>
        {
            await run(args, context, cancellationToken).ConfigureAwait(false);
            return true;
        }, hasResult: false));
    }

    /// <summary>Runs the task named <paramref name="name"/> with <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or registered already, or a setting is invalid.</exception>
    public TaskWorkerBuilder Register<TArgs, TResult>(string name, ITask<TArgs, TResult> task, Action<TaskSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Register<TArgs, TResult>(name, task.RunAsync, configure);
    }

    /// <summary>Runs the task named <paramref name="name"/>, which returns nothing, with <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or registered already, or a setting is invalid.</exception>
    public TaskWorkerBuilder Register<TArgs>(string name, ITask<TArgs> task, Action<TaskSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Register<TArgs>(name, task.RunAsync, configure);
    }

    /// <summary>Validates the options and starts taking tasks from every queue.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No task is registered, or the bus has no Redis.</exception>
    public async Task<TaskWorker> StartAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (_tasks.Count == 0)
        {
            throw new InvalidOperationException("Register at least one task before starting a worker.");
        }

        var redis = TaskClient.RequireRedis(_bus);
        var time = _bus.Options.TimeProvider;
        var logger = (_bus.Options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Herald.Tasks");
        var statistics = new TaskWorkerStatistics();
        var workerId = _bus.WorkerId ?? Environment.MachineName;
        var runner = new TaskRunner(new TaskStateStore(redis, _bus.Keys, time), _bus.Codec, _bus.RateLimiter, time, workerId, statistics, logger);
        var worker = new TaskWorker(redis, _bus.Keys, runner, statistics, logger);
        try
        {
            await worker.ListenForControlAsync(cancellationToken).ConfigureAwait(false);
            var deliveries = _tasks.Values.Max(static task => task.Settings.MaxRetries) + 1;
            foreach (var queue in Options.Queues)
            {
                var consumer = _bus.Consume(Destination.Queue(queue), options => Configure(options, deliveries));
                foreach (var task in _tasks.Values)
                {
                    task.Bind(consumer, runner);
                }

                // An item without a type names no task. Bound explicitly, it is dead-lettered as undecodable; left
                // unbound, a consumer with a single handler would take it for that task and run it.
                consumer.Handle<ReadOnlyMemory<byte>>(static (message, _) => throw NotATask(message.Envelope.Id), type: string.Empty);
                consumer.OnDeadLettered(runner.RecordRefusedAsync);

                worker.Add(await consumer.StartAsync(cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        TaskLog.Started(logger, workerId, string.Join(", ", Options.Queues), _tasks.Count);
        return worker;
    }

    private void Configure(ConsumerOptions options, int deliveries)
    {
        options.Group = "tasks";
        options.Concurrency = Options.Concurrency;
        options.Prefetch = Options.Prefetch == 0 ? Options.Concurrency : Options.Prefetch;
        options.StopTimeout = Options.StopTimeout;

        // Tasks carry their own timeout and retry policy; the consumer's would double them.
        options.HandlerTimeout = Timeout.InfiniteTimeSpan;
        options.Retry.InProcessRetries = 0;
        options.Retry.MaxDeliveries = deliveries;
        Options.ConfigureConsumer?.Invoke(options);
    }

    private static MessageDecodeException NotATask(string id) =>
        new($"Message {id} carries no task name (its type is empty): it is not a task envelope.");

    private static TaskSettings Settings(string name, Action<TaskSettings>? configure)
    {
        TaskNames.Validate(name);
        var settings = new TaskSettings();
        configure?.Invoke(settings);
        settings.Validate();
        return settings;
    }

    private TaskWorkerBuilder Add(TaskDefinition task)
    {
        if (!_tasks.TryAdd(task.Name, task))
        {
            throw new ArgumentException($"A task named '{task.Name}' is registered already.", nameof(task));
        }

        return this;
    }
}
