using Herald.Tasks;
using Herald.Tasks.Scheduling;
using Herald.TestKit;

namespace Herald.Cli.Tests;

public sealed record AddNumbers(int X, int Y);

/// <summary><c>herald task enqueue|show|revoke|schedules</c> against a task worker running in the test.</summary>
public sealed class TaskCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Enqueue_WithWait_PrintsTheResultAndShowReadsItBack()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var worker = await StartWorkerAsync(bus);

        var run = await kit.JsonAsync("task", "enqueue", "math.add", """{"x":2,"y":3}""", "--queue", "math", "--wait", "15s");

        run.GetProperty("state").GetString().Should().Be("succeeded");
        run.GetProperty("result").GetString().Should().Be("5");
        run.GetProperty("queue").GetString().Should().Be("math");
        var id = run.GetProperty("taskId").GetString()!;
        var shown = await kit.JsonAsync("task", "show", id);
        shown.GetProperty("attempt").GetInt32().Should().Be(1);
        shown.GetProperty("worker").GetString().Should().Be(bus.WorkerId);
        var text = await kit.RunAsync("task", "show", id);
        text.Output.Should().Contain("succeeded").And.Contain("math.add");
    }

    [Fact]
    public async Task Enqueue_TaskFails_ExitCodeOneWithTheError()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var worker = await StartWorkerAsync(bus);

        var run = await kit.RunAsync("task", "enqueue", "math.divide", """{"x":1,"y":0}""", "--queue", "math", "--wait", "15s", "--json");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain("\"state\": \"failed\"").And.Contain("divide by zero");
    }

    [Fact]
    public async Task Show_UnknownTask_NotFoundExitCodeAndOneLine()
    {
        var kit = OperatorKit.For(redis);

        var run = await kit.RunAsync("task", "show", "no-such-task");

        run.ExitCode.Should().Be(7, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("no state for task 'no-such-task'");
    }

    [Fact]
    public async Task Revoke_QueuedTask_WorkerDropsItUnrun()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        var enqueued = await kit.JsonAsync("task", "enqueue", "math.add", """{"x":1,"y":1}""", "--queue", "math");
        var id = enqueued.GetProperty("taskId").GetString()!;

        var revoked = await kit.JsonAsync("task", "revoke", id);
        await using var worker = await StartWorkerAsync(bus);

        revoked.GetProperty("revoked").GetBoolean().Should().BeTrue();
        await Wait.UntilAsync(() => worker.Statistics.Revoked == 1, because: "the worker drops the revoked task");
        worker.Statistics.Succeeded.Should().Be(0);
        (await kit.JsonAsync("task", "show", id)).GetProperty("state").GetString().Should().Be("revoked");
    }

    [Fact]
    public async Task Schedules_AfterASchedulerRan_ListsItsEntry()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using (await bus.CreateTaskScheduler()
            .Add(PeriodicSchedule.Cron("nightly", "reports.build", new AddNumbers(0, 0), "0 3 * * *", options: new TaskOptions { Queue = "reports" }))
            .StartAsync())
        {
        }

        var rows = await kit.JsonAsync("task", "schedules");

        var row = rows.EnumerateArray().Should().ContainSingle().Subject;
        row.GetProperty("name").GetString().Should().Be("nightly");
        row.GetProperty("task").GetString().Should().Be("reports.build");
        row.GetProperty("queue").GetString().Should().Be("reports");
    }

    private static Task<Tasks.Workers.TaskWorker> StartWorkerAsync(HeraldClient bus) => bus.CreateTaskWorker(static options =>
        {
            options.Queues.Clear();
            options.Queues.Add("math");
            options.ConfigureConsumer = static consumer => consumer.BlockTime = TimeSpan.FromMilliseconds(100);
        })
        .Register<AddNumbers, int>("math.add", static (args, _, _) => ValueTask.FromResult(args.X + args.Y))
        .Register<AddNumbers, int>("math.divide", static (args, _, _) => ValueTask.FromResult(args.X / args.Y), static s => s.MaxRetries = 0)
        .StartAsync();
}
