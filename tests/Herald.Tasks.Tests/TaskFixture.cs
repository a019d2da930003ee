using System.Runtime.CompilerServices;
using Herald.Consuming;
using Herald.Tasks.Workers;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>One redis-server for a test class; each test gets its own bus, key prefix and task client.</summary>
public sealed class TaskFixture : RedisFixture
{
    public async Task<TaskBench> StartAsync(Action<HeraldOptions>? configure = null, Action<TaskClientOptions>? client = null, [CallerMemberName] string test = "")
    {
        var bus = await HeraldClient.CreateBuilder()
            .UseRedis(Url)
            .Configure(options =>
            {
                options.KeyPrefix = NewPrefix(test).TrimEnd(':');
                configure?.Invoke(options);
            })
            .BuildAsync();
        return new TaskBench(bus, bus.CreateTaskClient(client));
    }
}

/// <summary>A test's bus and task client, disposed together.</summary>
public sealed class TaskBench(HeraldClient bus, TaskClient tasks) : IAsyncDisposable
{
    public HeraldClient Bus { get; } = bus;

    public TaskClient Tasks { get; } = tasks;

    /// <summary>A worker with short block times and timeouts, so outcomes show quickly.</summary>
    public TaskWorkerBuilder Worker(Action<TaskWorkerOptions>? configure = null) => Bus.CreateTaskWorker(options =>
    {
        options.Concurrency = 4;
        options.StopTimeout = TimeSpan.FromSeconds(5);
        options.ConfigureConsumer = Fast;
        configure?.Invoke(options);
    });

    /// <summary>Waits for the task's final state.</summary>
    public ValueTask<TaskInfo> FinishedAsync(TaskHandle handle) => Tasks.WaitAsync(handle.TaskId, Wait.DefaultTimeout);

    public ValueTask DisposeAsync() => Bus.DisposeAsync();

    private static void Fast(ConsumerOptions options)
    {
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(2);
    }
}

/// <summary>Arguments of the test tasks.</summary>
public sealed record AddArgs(int X, int Y);
