using Herald.TestKit;

namespace Herald.Tasks.Tests;

public sealed class TaskRevocationTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task RevokeAsync_BeforeAWorkerTakesIt_DroppedUnrun()
    {
        await using var bench = await fixture.StartAsync();
        var runs = 0;
        var handle = await bench.Tasks.EnqueueAsync("send.mail", new AddArgs(0, 0));

        (await handle.RevokeAsync()).Should().BeTrue();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("send.mail", (_, _, _) =>
            {
                Interlocked.Increment(ref runs);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await Wait.UntilAsync(() => worker.Statistics.Revoked == 1, because: "the worker drops the revoked task");
        runs.Should().Be(0);
        (await handle.GetInfoAsync()).State.Should().Be(TaskState.Revoked);
        await Wait.UntilAsync(async () => await bench.Bus.CreateInspector().GetQueueAsync("default") is { Waiting: 0, InFlight: 0 }, because: "the dropped task is acknowledged, not left in flight");
        var read = async () => await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout);
        (await read.Should().ThrowAsync<TaskFailedException>()).Which.Info.State.Should().Be(TaskState.Revoked);
    }

    [Fact]
    public async Task RevokeAsync_WithTerminateWhileRunning_TokenCancelledAndNotRetried()
    {
        await using var bench = await fixture.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        await using var worker = await bench.Worker()
            .Register<AddArgs>("long.report", async (_, _, cancellationToken) =>
            {
                Interlocked.Increment(ref attempts);
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            })
            .StartAsync();
        var handle = await bench.Tasks.EnqueueAsync("long.report", new AddArgs(0, 0));
        await started.Task.WaitAsync(Wait.DefaultTimeout);

        (await handle.RevokeAsync(terminate: true)).Should().BeTrue();

        await Wait.UntilAsync(() => worker.Statistics.Revoked == 1, because: "the running task is cancelled through its token");
        worker.Statistics.Retried.Should().Be(0);
        attempts.Should().Be(1);
        var info = await handle.GetInfoAsync();
        info.State.Should().Be(TaskState.Revoked);
        info.Error.Should().Contain("terminated while running");
        await Wait.UntilAsync(async () => await bench.Bus.CreateInspector().GetQueueAsync("default") is { Waiting: 0, InFlight: 0, Delayed: 0 }, because: "nothing is left to run again");
    }

    [Fact]
    public async Task RevokeAsync_TaskAlreadySucceeded_ReturnsFalseAndKeepsTheResult()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("quick", (args, _, _) => ValueTask.FromResult(args.X))
            .StartAsync();
        var handle = await bench.Tasks.EnqueueAsync("quick", new AddArgs(4, 0));
        (await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout)).Should().Be(4);

        (await handle.RevokeAsync(terminate: true)).Should().BeFalse();

        (await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout)).Should().Be(4);
    }

    [Fact]
    public async Task Run_ReachesAWorkerAfterItsExpiry_DroppedUnrunAsExpired()
    {
        await using var bench = await fixture.StartAsync();
        var runs = 0;
        await using var worker = await bench.Worker()
            .Register<AddArgs>("stale", (_, _, _) =>
            {
                Interlocked.Increment(ref runs);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("stale", new AddArgs(0, 0), new TaskOptions
        {
            Delay = TimeSpan.FromMilliseconds(300),
            ExpiresAfter = TimeSpan.FromMilliseconds(100),
        });

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Expired);
        runs.Should().Be(0);
        worker.Statistics.Expired.Should().Be(1);
    }

    [Fact]
    public async Task Run_ExpiredDuplicateOfASucceededTask_KeepsTheSuccessAndItsResult()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("once", (args, _, _) => ValueTask.FromResult(args.X))
            .StartAsync();
        var first = await bench.Tasks.EnqueueAsync("once", new AddArgs(8, 0), new TaskOptions { TaskId = "report-2026-11" });
        (await bench.Tasks.GetResultAsync<int>(first.TaskId, Wait.DefaultTimeout)).Should().Be(8);

        await bench.Tasks.EnqueueAsync("once", new AddArgs(9, 0), new TaskOptions
        {
            TaskId = "report-2026-11",
            Delay = TimeSpan.FromMilliseconds(200),
            ExpiresAfter = TimeSpan.FromMilliseconds(50),
        });

        await Wait.UntilAsync(() => worker.Statistics.Expired == 1, because: "the late duplicate reaches the worker after its expiry");
        var info = await bench.Tasks.GetInfoAsync(first.TaskId);
        info.State.Should().Be(TaskState.Succeeded);
        (await bench.Tasks.GetResultAsync<int>(first.TaskId, Wait.DefaultTimeout)).Should().Be(8);
    }
}
