using System.Text;
using Herald.CrashWorker;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>Faults between a worker and Redis, and queue items that are not tasks: nothing is lost, stuck or run wrongly.</summary>
public sealed class TaskFaultTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task Worker_ConnectionsCutWhileTasksRun_RecoversAndEveryTaskCompletes()
    {
        await using var bench = await fixture.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(fixture.Server.Host, fixture.Server.Port);
        await using var behindProxy = await bench.ConnectAsync(ProxyUrl(proxy));
        const string queue = "cut";
        const int total = 150;
        var handles = await bench.Tasks.EnqueueManyAsync(CrashTasks.Work.Name, [.. Enumerable.Range(0, total).Select(static n => new CrashArgs(n))],
            new TaskOptions { Queue = queue });
        await using var worker = await TaskBench.Worker(behindProxy, options =>
            {
                options.Queues.Clear();
                options.Queues.Add(queue);
            })
            .RegisterWork(behindProxy, TimeSpan.FromMilliseconds(20), settings => settings.RetryDelay = TimeSpan.FromMilliseconds(50))
            .StartAsync();

        foreach (var progress in (int[])[30, 70, 110])
        {
            await Wait.UntilAsync(() => worker.Statistics.Succeeded >= progress && worker.Statistics.Running > 0,
                because: $"{progress} tasks are done and more run");
            proxy.ResetAll();
        }

        var finished = await Task.WhenAll(handles.Select(h => bench.Tasks.WaitAsync(h.TaskId, TimeSpan.FromSeconds(60)).AsTask()));
        finished.Should().OnlyContain(static info => info.State == TaskState.Succeeded, "every task ends Succeeded despite the cuts");
        (await Task.WhenAll(handles.Select(h => bench.Tasks.GetResultAsync<int>(h.TaskId, TimeSpan.Zero).AsTask())))
            .Should().Equal(Enumerable.Range(0, total).Select(static n => n * 2));
        (await CrashTasks.DoneAsync(bench.Bus)).Should().BeEquivalentTo(handles.Select(static h => h.TaskId));
        (await bench.DrainedAsync(queue)).DeadLetters.Should().Be(0, "no task is stuck or dead-lettered");
    }

    [Fact]
    public async Task Run_ConnectionLostWhileTheResultIsStored_ResultRecordedNotDeadLettered()
    {
        await using var bench = await fixture.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(fixture.Server.Host, fixture.Server.Port);
        await using var behindProxy = await bench.ConnectAsync(ProxyUrl(proxy));
        var returning = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await TaskBench.Worker(behindProxy, options => options.Concurrency = 1)
            .Register<AddArgs, int>("store", (args, _, _) =>
            {
                if (!returning.Task.IsCompleted)
                {
                    // From now on every byte waits a second in the proxy, so the write of this result is still on
                    // its way (sent, its reply not back) when the test cuts the connection.
                    proxy.Latency = TimeSpan.FromSeconds(1);
                    returning.SetResult(proxy.BytesForwarded);
                }

                return ValueTask.FromResult(args.X + args.Y);
            }, settings => settings.MaxRetries = 0)
            .StartAsync();

        var handle = await bench.Tasks.EnqueueAsync<AddArgs>("store", new AddArgs(3, 4));
        var forwarded = await returning.Task.WaitAsync(Wait.DefaultTimeout);
        await Wait.UntilAsync(() => proxy.BytesForwarded > forwarded, because: "the delayed traffic, the result's write with it, passes the proxy");
        proxy.ResetAll();
        proxy.Heal();

        (await bench.Tasks.GetResultAsync<int>(handle.TaskId, Wait.DefaultTimeout)).Should().Be(7, "the result is stored once Redis is back");
        (await handle.GetInfoAsync()).Attempt.Should().Be(1, "a write Redis did not confirm is not a failed attempt");
        (await bench.DrainedAsync("default")).DeadLetters.Should().Be(0, "a task whose result could not be stored is not dead-lettered");
    }

    [Fact]
    public async Task GetResultAsync_RedisFrozenPastTheWaitersCommandTimeout_WaitsOnAndGetsTheResult()
    {
        await using var bench = await fixture.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("held", async (args, _, cancellationToken) =>
            {
                started.TrySetResult();
                await gate.Task.WaitAsync(cancellationToken);
                return args.X + args.Y;
            })
            .StartAsync();
        await using var impatient = await bench.ConnectAsync($"{fixture.Url}?timeout=300ms");

        var handle = await bench.Tasks.EnqueueAsync<AddArgs>("held", new AddArgs(2, 3));
        await started.Task.WaitAsync(Wait.DefaultTimeout);
        var result = impatient.CreateTaskClient().GetResultAsync<int>(handle.TaskId, TimeSpan.FromSeconds(30)).AsTask();
        var channel = bench.Bus.Keys.TaskDone(handle.TaskId);
        await Wait.UntilAsync(async () => await bench.Bus.Redis!.ExecuteAsync(new RedisCommand("PUBSUB", "NUMSUB", channel), static reply => reply[1].AsInt64()) == 1,
            because: "the waiter listens for the task's announcement");

        // The server answers nothing for longer than the waiter's 2 s recheck, so a read of the waiter's times out.
        await bench.Bus.Redis!.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "3"), RespParsers.Ignore);
        result.IsCompleted.Should().BeFalse("a read that timed out does not end the wait");
        gate.SetResult();

        (await result.WaitAsync(Wait.DefaultTimeout)).Should().Be(5);
    }

    [Fact]
    public async Task Run_ArgumentsThatDoNotDecodeAndJunkItems_DeadLetteredAsUndecodableOthersUnaffected()
    {
        await using var bench = await fixture.StartAsync();
        await using var worker = await bench.Worker()
            .Register<AddArgs, int>("sum", (args, _, _) => ValueTask.FromResult(args.X + args.Y))
            .StartAsync();
        var before = await bench.Tasks.EnqueueAsync<AddArgs>("sum", new AddArgs(1, 2));

        // What a producer in another language might push: a task envelope whose arguments are not an AddArgs,
        // one whose JSON is cut short, and two items that are no envelope at all (a JSON object and plain text).
        var queue = bench.Bus.Keys.Queue("default");
        string[] junk =
        [
            """{"specversion":"1.0","id":"bad-args","type":"sum","source":"elsewhere","datacontenttype":"application/json","data":"not an object"}""",
            $$"""{"specversion":"1.0","id":"cut-short","type":"sum","source":"elsewhere","datacontenttype":"application/json","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"x\": 1,"))}}"}""",
            """{"x":5,"y":6}""",
            "not a task at all",
        ];
        foreach (var item in junk)
        {
            await bench.Bus.Redis!.ListLeftPushAsync(queue, item);
        }

        var after = await bench.Tasks.EnqueueAsync<AddArgs>("sum", new AddArgs(3, 4));

        (await bench.Tasks.GetResultAsync<int>(before.TaskId, Wait.DefaultTimeout)).Should().Be(3);
        (await bench.Tasks.GetResultAsync<int>(after.TaskId, Wait.DefaultTimeout)).Should().Be(7);
        var dlq = bench.Bus.Keys.DeadLetters("default");
        await Wait.UntilAsync(async () => await bench.Bus.Redis!.StreamLengthAsync(dlq) >= junk.Length, because: "every junk item is dead-lettered");
        var letters = (await bench.Bus.Redis!.StreamRangeAsync(dlq))
            .Select(static entry => entry.Fields.ToDictionary(static f => f.Key, static f => Encoding.UTF8.GetString(f.Value.Span), StringComparer.Ordinal))
            .ToList();
        letters.Should().HaveCount(junk.Length).And.OnlyContain(static fields => fields["dlq-reason"] == "Undecodable");
        letters.Select(static fields => fields["id"]).Should().Contain(["bad-args", "cut-short"]);
        worker.Statistics.Succeeded.Should().Be(2, "an item without a task name is not run as the worker's only task");
        var refused = await bench.Tasks.WaitAsync("bad-args", Wait.DefaultTimeout);
        refused.State.Should().Be(TaskState.Failed, "a task whose arguments do not decode fails, so whoever waits for it hears so");
        refused.Attempt.Should().Be(0, "it never started");
        refused.Error.Should().Contain("not a valid AddArgs");
        (await bench.DrainedAsync("default")).DeadLetters.Should().Be(junk.Length);
    }

    private static string ProxyUrl(FaultProxy proxy) => $"redis://{proxy.Host}:{proxy.Port}";
}
