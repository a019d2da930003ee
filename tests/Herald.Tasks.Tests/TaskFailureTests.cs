using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

public sealed class TaskFailureTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task Run_FailsTwiceThenSucceeds_RetriedWithTheAttemptRaised()
    {
        await using var bench = await fixture.StartAsync();
        var attempts = new ConcurrentQueue<int>();
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("flaky", (args, context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                return context.Attempt < 3 ? throw new IOException("upstream hiccup") : ValueTask.FromResult(args.X);
            }, settings => settings.RetryDelay = TimeSpan.FromMilliseconds(20))
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("flaky", new AddArgs(9, 0));

        (await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout)).Should().Be(9);
        attempts.Should().Equal(1, 2, 3);
        worker.Statistics.Retried.Should().Be(2);
        var info = await handle.GetInfoAsync();
        info.Attempt.Should().Be(3);
        info.Error.Should().BeNull("a success clears the error of the attempts before it");
    }

    [Fact]
    public async Task Run_AlwaysFails_FailedAfterItsRetriesAndDeadLettered()
    {
        await using var bench = await fixture.StartAsync();
        var attempts = new ConcurrentQueue<int>();
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("doomed", (_, context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                throw new InvalidOperationException("cannot add today");
            }, settings =>
            {
                settings.MaxRetries = 1;
                settings.RetryDelay = TimeSpan.FromMilliseconds(20);
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("doomed", new AddArgs(1, 1));

        var read = async () => await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout);
        (await read.Should().ThrowAsync<TaskFailedException>()).Which.Info.Should().Match<TaskInfo>(info =>
            info.State == TaskState.Failed && info.Attempt == 2 && info.Error == "cannot add today" && info.ErrorType == typeof(InvalidOperationException).FullName);
        attempts.Should().Equal(1, 2);
        var letter = await DeadLetterAsync(bench, "default");
        letter.Should().Contain(("dlq-reason", "HandlerFailed")).And.Contain(("dlq-attempts", "2")).And.Contain(("id", handle.TaskId));
    }

    [Fact]
    public async Task Run_ErrorTheTaskDoesNotRetry_FailsOnTheFirstAttempt()
    {
        await using var bench = await fixture.StartAsync();
        var attempts = 0;
        await using var worker = await bench.Worker()
            .Register<AddArgs>("strict", (_, _, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new ArgumentException("bad input");
            }, settings => settings.RetryOn = static error => error is IOException)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("strict", new AddArgs(0, 0));

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Failed);
        info.Attempt.Should().Be(1);
        attempts.Should().Be(1);
    }

    [Fact]
    public async Task Run_TaskAsksForARetryWithADelay_RunAgainNoSoonerThanThat()
    {
        await using var bench = await fixture.StartAsync();
        var started = new ConcurrentQueue<long>();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("polite", (_, context, _) =>
            {
                started.Enqueue(Stopwatch.GetTimestamp());
                return context.Attempt == 1 ? throw context.Retry(TimeSpan.FromMilliseconds(500), "the upstream said: come back in a bit") : ValueTask.CompletedTask;
            }, settings => settings.RetryDelay = TimeSpan.Zero)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("polite", new AddArgs(0, 0));

        (await bench.FinishedAsync(handle)).State.Should().Be(TaskState.Succeeded);
        var times = started.ToArray();
        times.Should().HaveCount(2);
        Stopwatch.GetElapsedTime(times[0], times[1]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Run_RetryStateBetweenAttempts_RetryingWithTheErrorAndWhenItIsDue()
    {
        await using var bench = await fixture.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await bench.Worker()
            .Register<AddArgs>("slow.retry", (_, context, _) =>
                context.Attempt == 1 ? throw new TimeoutException("gateway timed out") : new ValueTask(release.Task),
                settings =>
                {
                    settings.RetryDelay = TimeSpan.FromMilliseconds(600);
                    settings.RetryJitter = false;
                })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("slow.retry", new AddArgs(0, 0));

        await Wait.UntilAsync(async () => (await handle.GetInfoAsync()).State == TaskState.Retrying, because: "the first attempt fails and a retry is scheduled");
        var retrying = await handle.GetInfoAsync();
        retrying.Error.Should().Be("gateway timed out");
        retrying.RetryAt.Should().BeOnOrAfter(retrying.FinishedAt!.Value.AddMilliseconds(590));
        release.SetResult();
        (await bench.FinishedAsync(handle)).State.Should().Be(TaskState.Succeeded);
    }

    [Fact]
    public async Task EnqueueAsync_MaxRetriesOverriddenPerRun_TheRunsOwnLimitApplies()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("limited", (_, _, _) => throw new IOException("down"), settings =>
            {
                settings.MaxRetries = 10;
                settings.RetryDelay = TimeSpan.FromMilliseconds(10);
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("limited", new AddArgs(0, 0), new TaskOptions { MaxRetries = 0 });

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Failed);
        info.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task Run_TaskIgnoresItsTokenPastTheTimeout_FailsAsTimedOutWithoutWaitingForIt()
    {
        await using var bench = await fixture.StartAsync();
        var tokenCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverEnds = new TaskCompletionSource();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("stuck", (_, _, cancellationToken) =>
            {
                cancellationToken.Register(() => tokenCancelled.TrySetResult());
                return new ValueTask(neverEnds.Task);
            }, settings =>
            {
                settings.Timeout = TimeSpan.FromMilliseconds(300);
                settings.MaxRetries = 0;
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("stuck", new AddArgs(0, 0));

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Failed);
        info.Error.Should().Contain("ran longer than its timeout of 300 ms");
        await tokenCancelled.Task.WaitAsync(Wait.DefaultTimeout);
        (await DeadLetterAsync(bench, "default")).Should().Contain(("dlq-reason", "TimedOut"));
        worker.Statistics.Running.Should().Be(0, "the worker stopped waiting for the abandoned task");
    }

    [Fact]
    public async Task EnqueueAsync_TimeoutOverriddenPerRun_TheRunsOwnTimeoutApplies()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("patient", (_, _, cancellationToken) => new ValueTask(Task.Delay(Timeout.Infinite, cancellationToken)),
                settings => settings.MaxRetries = 0)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("patient", new AddArgs(0, 0), new TaskOptions { Timeout = TimeSpan.FromMilliseconds(200) });

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Failed);
        info.Error.Should().Contain("timeout of 200 ms");
    }

    [Fact]
    public async Task Run_UnknownTaskName_DeadLetteredAsNoHandler()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("known", (_, _, _) => ValueTask.CompletedTask)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("unknown", new AddArgs(0, 0));

        var letter = await DeadLetterAsync(bench, "default");
        letter.Should().Contain(("dlq-reason", "NoHandler")).And.Contain(("id", handle.TaskId));
        var read = async () => await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout);
        (await read.Should().ThrowAsync<TaskFailedException>()).Which.Info.Should().Match<TaskInfo>(static info =>
            info.State == TaskState.Failed && info.ErrorType == typeof(Retry.NoHandlerException).FullName);
    }

    private static async Task<IReadOnlyList<(string Field, string Value)>> DeadLetterAsync(TaskBench bench, string queue)
    {
        var key = bench.Bus.Keys.DeadLetters(queue);
        await Wait.UntilAsync(async () => await bench.Bus.Redis!.StreamLengthAsync(key) > 0, because: "the task is dead-lettered");
        var entry = (await bench.Bus.Redis!.StreamRangeAsync(key)).Single();
        return [.. entry.Fields.Select(static f => (f.Key, System.Text.Encoding.UTF8.GetString(f.Value.Span)))];
    }
}
