using System.Runtime.CompilerServices;
using Herald.Consuming;
using Herald.Inspection;
using Herald.Tasks.Workers;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>One redis-server for a test class; each test gets its own bus, key prefix and task client.</summary>
public class TaskFixture : RedisFixture
{
    /// <summary>A bus on the fixture's server (or on <paramref name="url"/>, such as a fault proxy in front of it) under a new key prefix.</summary>
    public async Task<TaskBench> StartAsync(Action<HeraldOptions>? configure = null, Action<TaskClientOptions>? client = null, string? url = null,
        [CallerMemberName] string test = "")
    {
        var bus = await TaskBench.ConnectAsync(url ?? Url, NewPrefix(test).TrimEnd(':'), configure);
        return new TaskBench(bus, bus.CreateTaskClient(client));
    }
}

/// <summary>A redis-server with an append-only file written on every command, so queued tasks and their state survive a restart.</summary>
public sealed class DurableTaskFixture : TaskFixture
{
    protected override RedisServerOptions Options => new() { AppendOnly = true };
}

/// <summary>A test's bus and task client, disposed together.</summary>
public sealed class TaskBench(HeraldClient bus, TaskClient tasks) : IAsyncDisposable
{
    public HeraldClient Bus { get; } = bus;

    public TaskClient Tasks { get; } = tasks;

    /// <summary>A worker with short block times and timeouts, so outcomes show quickly.</summary>
    public TaskWorkerBuilder Worker(Action<TaskWorkerOptions>? configure = null) => Worker(Bus, configure);

    /// <summary>Such a worker on another bus, e.g. one that reaches Redis through a fault proxy.</summary>
    public static TaskWorkerBuilder Worker(HeraldClient bus, Action<TaskWorkerOptions>? configure = null) => bus.CreateTaskWorker(options =>
    {
        options.Concurrency = 4;
        options.StopTimeout = TimeSpan.FromSeconds(5);
        options.ConfigureConsumer = Fast;
        configure?.Invoke(options);
    });

    /// <summary>Another bus under this test's key prefix, over <paramref name="url"/>.</summary>
    public ValueTask<HeraldClient> ConnectAsync(string url, Action<HeraldOptions>? configure = null) => ConnectAsync(url, Bus.Options.KeyPrefix, configure);

    /// <summary>Waits for the task's final state.</summary>
    public ValueTask<TaskInfo> FinishedAsync(TaskHandle handle) => Tasks.WaitAsync(handle.TaskId, Wait.DefaultTimeout);

    /// <summary>Waits until nothing of <paramref name="queue"/> waits, is scheduled or is held by a consumer, and returns it then.</summary>
    public async Task<QueueDetails> DrainedAsync(string queue, TimeSpan? timeout = null)
    {
        var inspector = Bus.CreateInspector();
        QueueDetails? details = null;
        await Wait.UntilAsync(async () =>
        {
            details = await inspector.GetQueueAsync(queue);
            return details.Waiting == 0 && details.Delayed == 0 && details.InFlight == 0;
        }, timeout, $"queue {queue} is drained: nothing waiting, delayed or in flight");
        return details!;
    }

    public ValueTask DisposeAsync() => Bus.DisposeAsync();

    internal static ValueTask<HeraldClient> ConnectAsync(string url, string prefix, Action<HeraldOptions>? configure) =>
        HeraldClient.CreateBuilder()
            .UseRedis(url)
            .Configure(options =>
            {
                options.KeyPrefix = prefix;
                configure?.Invoke(options);
            })
            .BuildAsync();

    private static void Fast(ConsumerOptions options)
    {
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(2);
    }
}

/// <summary>Arguments of the test tasks.</summary>
public sealed record AddArgs(int X, int Y);
