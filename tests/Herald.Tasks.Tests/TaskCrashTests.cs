using System.Collections.Concurrent;
using Herald.CrashWorker;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>Workers that die or stop with tasks in hand: every task still ends, once, with nothing left behind.</summary>
public sealed class TaskCrashTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task Worker_KilledWithSigkillMidBatch_AnotherWorkerFinishesEveryTask()
    {
        await using var bench = await fixture.StartAsync(CrashTasks.QuickReaper);
        const string queue = "crash";
        const int total = 160;
        var handles = await bench.Tasks.EnqueueManyAsync(CrashTasks.Work.Name, [.. Enumerable.Range(0, total).Select(static n => new CrashArgs(n))],
            new TaskOptions { Queue = queue });
        var inspector = bench.Bus.CreateInspector();

        string child;
        await using (var killed = await WorkerProcess.StartAsync("tasks", fixture.Url, bench.Bus.Options.KeyPrefix, queue, "100"))
        {
            await Wait.UntilAsync(async () => await CrashTasks.DoneCountAsync(bench.Bus) >= 24, TimeSpan.FromSeconds(30), "the child worker gets going");
            await killed.KillAsync();
            child = (await inspector.GetQueueAsync(queue)).Consumers.Should().ContainSingle("only the child consumed so far").Subject.Name;
        }

        // The child is dead: what it had started is frozen in the task states.
        var atKill = await Task.WhenAll(handles.Select(h => h.GetInfoAsync().AsTask()));
        var inFlight = atKill.Where(static info => info.State == TaskState.Started).Select(static info => info.TaskId).ToHashSet(StringComparer.Ordinal);
        inFlight.Should().NotBeEmpty("the kill lands while tasks run");
        atKill.Count(static info => info.State == TaskState.Succeeded).Should().BeLessThan(total, "the kill lands mid-batch");

        await using var survivor = await bench.Worker(options =>
            {
                options.Queues.Clear();
                options.Queues.Add(queue);
                options.Concurrency = 8;
                options.ConfigureConsumer = CrashTasks.FastConsumer;
            })
            .RegisterWork(bench.Bus, TimeSpan.FromMilliseconds(5))
            .StartAsync();

        var finished = await Task.WhenAll(handles.Select(h => bench.Tasks.WaitAsync(h.TaskId, TimeSpan.FromSeconds(60)).AsTask()));
        finished.Should().OnlyContain(static info => info.State == TaskState.Succeeded, "every task ends Succeeded");
        (await Task.WhenAll(handles.Select(h => bench.Tasks.GetResultAsync<int>(h.TaskId, TimeSpan.Zero).AsTask())))
            .Should().Equal(Enumerable.Range(0, total).Select(static n => n * 2), "each result is the task's own");
        finished.Where(info => inFlight.Contains(info.TaskId)).Should().OnlyContain(static info => info.Attempt == 2,
            "a task the dead worker had started comes back once, as its second attempt");
        finished.Should().OnlyContain(static info => info.Attempt <= 2);
        (await CrashTasks.DoneAsync(bench.Bus)).Should().BeEquivalentTo(handles.Select(static h => h.TaskId), "each task's side effect happened at least once");

        var queueAfter = await bench.DrainedAsync(queue);
        queueAfter.DeadLetters.Should().Be(0);
        queueAfter.Consumers.Select(static c => c.Name).Should().NotContain(child, "the reaper forgot the dead consumer");
        (await bench.Bus.Redis!.KeyExistsAsync(bench.Bus.Keys.Processing(queue, child))).Should().BeFalse("nothing is left in the dead worker's processing list");
        (await bench.Bus.Redis!.KeyExistsAsync(bench.Bus.Keys.Landing(queue, child))).Should().BeFalse("nor in its landing list");
    }

    [Fact]
    public async Task StopAsync_TaskRunsPastTheStopTimeout_CancelledHandedBackAndRunByAnotherWorker()
    {
        await using var bench = await fixture.StartAsync();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stopping = await bench.Worker(options => options.StopTimeout = TimeSpan.FromMilliseconds(200))
            .Register<AddArgs, int>("long", async (_, context, cancellationToken) =>
            {
                started.TrySetResult(context.Attempt);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    cancelled.TrySetResult();
                }

                return -1;
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync<AddArgs>("long", new AddArgs(20, 22));
        (await started.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(1);
        await stopping.StopAsync().WaitAsync(Wait.DefaultTimeout);
        await cancelled.Task.WaitAsync(Wait.DefaultTimeout);

        var handedBack = await handle.GetInfoAsync();
        handedBack.State.Should().Be(TaskState.Started, "a stop is not the task's failure: no retry or failure is recorded");
        handedBack.Error.Should().BeNull();
        stopping.Statistics.Failed.Should().Be(0);
        stopping.Statistics.Retried.Should().Be(0);
        var waiting = await bench.Bus.CreateInspector().GetQueueAsync("default");
        (waiting.Waiting + waiting.Delayed).Should().Be(1, "its message went back to the queue");

        var attempts = new ConcurrentQueue<int>();
        await using var next = await bench.Worker()
            .Register<AddArgs, int>("long", (args, context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                return ValueTask.FromResult(args.X + args.Y);
            })
            .StartAsync();

        (await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout)).Should().Be(42);
        attempts.Should().Equal([1], "the handed-back run did not spend an attempt");
        var info = await handle.GetInfoAsync();
        info.State.Should().Be(TaskState.Succeeded);
        info.Attempt.Should().Be(1);
        (await bench.DrainedAsync("default")).DeadLetters.Should().Be(0);
    }
}
