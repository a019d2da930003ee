using System.Collections.Concurrent;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

public sealed class TaskLifecycleTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private static readonly TaskName<AddArgs, int> s_add = new("math.add");

    [Fact]
    public async Task EnqueueAsync_WorkerRunsTheTask_ResultAndStateRecorded()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register(s_add, (args, _, _) => ValueTask.FromResult(args.X + args.Y))
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync(s_add, new AddArgs(2, 3));

        (await handle.GetResultAsync(Wait.DefaultTimeout)).Should().Be(5);
        var info = await handle.GetInfoAsync();
        bench.Tasks.ReadResult<int>(info).Should().Be(5, "a state already read decodes without another round trip");
        info.State.Should().Be(TaskState.Succeeded);
        info.Known.Should().BeTrue();
        info.Name.Should().Be("math.add");
        info.Queue.Should().Be("default");
        info.Attempt.Should().Be(1);
        info.Worker.Should().Be(bench.Bus.WorkerId);
        info.StartedAt.Should().NotBeNull();
        info.FinishedAt.Should().BeOnOrAfter(info.StartedAt!.Value);
        info.EnqueuedAt.Should().BeOnOrBefore(info.StartedAt.Value);
        info.Error.Should().BeNull();
        worker.Statistics.Succeeded.Should().Be(1);
    }

    [Fact]
    public async Task GetInfoAsync_UnknownId_PendingAndNotKnown()
    {
        await using var bench = await fixture.StartAsync();

        var info = await bench.Tasks.GetInfoAsync("no-such-task");

        info.State.Should().Be(TaskState.Pending);
        info.Known.Should().BeFalse();
        bench.Tasks.Invoking(tasks => tasks.ReadResult<int>(info)).Should().Throw<InvalidOperationException>().WithMessage("*pending*no result yet*");
    }

    [Fact]
    public async Task EnqueueManyAsync_ManyTasksInOneCall_EveryOneRunsOnce()
    {
        await using var bench = await fixture.StartAsync();
        var runs = new ConcurrentDictionary<int, int>();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("count", (args, _, _) =>
            {
                runs.AddOrUpdate(args.X, 1, static (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        var handles = await bench.Tasks.EnqueueManyAsync("count", [.. Enumerable.Range(0, 200).Select(static i => new AddArgs(i, 0))]);

        handles.Select(static h => h.TaskId).Should().OnlyHaveUniqueItems();
        await Wait.UntilAsync(() => worker.Statistics.Succeeded == 200, because: "every task runs");
        runs.Should().HaveCount(200).And.OnlyContain(static pair => pair.Value == 1);
    }

    [Fact]
    public async Task GetResultAsync_TaskReturnsNothing_SucceedsWithoutAResult()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("fire.and.forget", (_, _, _) => ValueTask.CompletedTask)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("fire.and.forget", new AddArgs(1, 1));

        (await bench.FinishedAsync(handle)).State.Should().Be(TaskState.Succeeded);
        var read = async () => await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout);
        await read.Should().ThrowAsync<InvalidOperationException>().WithMessage("*kept no result*");
    }

    [Fact]
    public async Task EnqueueAsync_SameTaskIdAfterSuccess_SecondDeliveryNotRun()
    {
        await using var bench = await fixture.StartAsync();
        var runs = 0;
        await using var worker = await bench.Worker()
            .Register(s_add, (args, _, _) =>
            {
                Interlocked.Increment(ref runs);
                return ValueTask.FromResult(args.X + args.Y);
            })
            .StartAsync();

        var first = await bench.Tasks.EnqueueAsync(s_add, new AddArgs(1, 2), new TaskOptions { TaskId = "invoice-42" });
        (await first.GetResultAsync(Wait.DefaultTimeout)).Should().Be(3);
        await bench.Tasks.EnqueueAsync(s_add, new AddArgs(5, 5), new TaskOptions { TaskId = "invoice-42" });

        await Wait.UntilAsync(() => worker.Statistics.Skipped == 1, because: "the repeated id is dropped unrun");
        runs.Should().Be(1);
        (await bench.Tasks.GetResultAsync<int>("invoice-42", Wait.DefaultTimeout)).Should().Be(3);
    }

    [Fact]
    public async Task EnqueueAsync_RouteMatchesTheName_TaskGoesToTheRoutedQueue()
    {
        await using var bench = await fixture.StartAsync(client: options => options.Routes.Add("images.*", "images"));
        var queues = new ConcurrentQueue<string>();
        await using var worker = await bench.Worker(options =>
            {
                options.Queues.Clear();
                options.Queues.Add("images");
            })
            .Register<AddArgs>("images.resize", (_, context, _) =>
            {
                queues.Enqueue(context.Queue);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("images.resize", new AddArgs(640, 480));

        handle.Queue.Should().Be("images");
        (await bench.FinishedAsync(handle)).State.Should().Be(TaskState.Succeeded);
        queues.Should().Equal("images");
    }

    [Fact]
    public async Task EnqueueAsync_WithDelay_StartsNoSoonerThanTheDelay()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs>("later", (_, _, _) => ValueTask.CompletedTask)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("later", new AddArgs(0, 0), new TaskOptions { Delay = TimeSpan.FromMilliseconds(400) });

        var info = await bench.FinishedAsync(handle);
        info.State.Should().Be(TaskState.Succeeded);
        (info.StartedAt!.Value - info.EnqueuedAt!.Value).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public async Task EnqueueAsync_UserHeaders_TaskSeesThemWithoutHeraldsOwn()
    {
        await using var bench = await fixture.StartAsync();
        var seen = new TaskCompletionSource<IReadOnlyDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await bench.Worker()
            .Register<AddArgs>("headers", (_, context, _) =>
            {
                seen.TrySetResult(context.Headers);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bench.Tasks.EnqueueAsync("headers", new AddArgs(0, 0), new TaskOptions
        {
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["tenant"] = "acme" },
            MaxRetries = 7,
            ExpiresAfter = TimeSpan.FromMinutes(5),
        });

        (await seen.Task.WaitAsync(Wait.DefaultTimeout)).Should().Equal(new Dictionary<string, string>(StringComparer.Ordinal) { ["tenant"] = "acme" });
    }

    [Fact]
    public async Task GetResultAsync_EncryptedBus_ResultStoredEncryptedAndReadBack()
    {
        var ring = new Codecs.EncryptionKeyRing().Add("k1", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var bench = await fixture.StartAsync(options => options.Codecs.Encryption = ring);
        await using var worker = await bench.Worker()
            .Register<AddArgs, string>("secret", (args, _, _) => ValueTask.FromResult($"the code is {args.X}"))
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync("secret", new AddArgs(31337, 0));

        (await bench.Tasks.GetResultAsync<string>(handle.TaskId, Wait.DefaultTimeout)).Should().Be("the code is 31337");
        var stored = await bench.Bus.Redis!.ExecuteAsync(new Redis.RedisCommand("HGET", bench.Bus.Keys.Task(handle.TaskId), "result"), Redis.RespParsers.Bytes);
        System.Text.Encoding.UTF8.GetString(stored!).Should().NotContain("31337");
    }
}
