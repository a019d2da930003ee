using Herald.RateLimiting;
using Herald.Redis;
using Herald.Security;
using Herald.Tasks.Scheduling;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>The rules of <see cref="AclPlan"/> with <see cref="AclService.Tasks"/> applied to a real server: a task service works under them, refused nothing.</summary>
public sealed class TaskAclTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    private const string Password = "tasks pass";

    [Fact]
    public async Task Create_WithTasks_ServiceEnqueuesRunsRevokesRateLimitsAndSchedulesWithoutARefusal()
    {
        var user = "tasks-" + Guid.NewGuid().ToString("N")[..8];
        var service = new AclService { User = user, Password = Password, KeyPrefix = "acl-" + user, Tasks = true };
        service.Publish.Add(Destination.Queue("jobs"));
        service.Consume.Add(Destination.Queue("jobs"));
        await using var admin = await RedisClient.ConnectAsync(RedisOptions.Parse(fixture.Url));
        foreach (var command in AclPlan.Create(service).SetUserCommands)
        {
            await admin.ExecuteAsync(new RedisCommand(command[0], [.. command.Skip(1).Select(static a => (RedisArg)a)]));
        }

        await using var bus = await HeraldClient.CreateBuilder()
            .UseRedis($"redis://{user}:{Uri.EscapeDataString(Password)}@127.0.0.1:{fixture.Server.Port}")
            .Configure(options => options.KeyPrefix = service.KeyPrefix)
            .BuildAsync();
        var bench = new TaskBench(bus, bus.CreateTaskClient(static options => options.DefaultQueue = "jobs"));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ticks = 0;
        await using var worker = await bench.Worker(static options =>
            {
                options.Queues.Clear();
                options.Queues.Add("jobs");
            })
            .Register<AddArgs, int>("add", static (args, _, _) => ValueTask.FromResult(args.X + args.Y), static s => s.RateLimit = RateLimit.Parse("100/s"))
            .Register<AddArgs>("block", async (_, _, cancellationToken) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            })
            .Register<int>("tick", (_, _, _) =>
            {
                Interlocked.Increment(ref ticks);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        await using var scheduler = await bus.CreateTaskScheduler(static options => options.Client.DefaultQueue = "jobs")
            .Add(PeriodicSchedule.Every("every-second", "tick", 0, TimeSpan.FromSeconds(1)))
            .StartAsync();

        var add = await bench.Tasks.EnqueueAsync("add", new AddArgs(20, 22));
        (await bench.Tasks.GetResultAsync<int>(add.TaskId, Wait.DefaultTimeout)).Should().Be(42);
        var block = await bench.Tasks.EnqueueAsync("block", new AddArgs(0, 0));
        await started.Task.WaitAsync(Wait.DefaultTimeout);
        (await block.RevokeAsync(terminate: true)).Should().BeTrue();
        (await bench.FinishedAsync(block)).State.Should().Be(TaskState.Revoked);
        await Wait.UntilAsync(() => Volatile.Read(ref ticks) >= 1, because: "the scheduler enqueues a tick and the worker runs it");
        (await bench.Tasks.ListSchedulesAsync()).Should().ContainSingle();

        var log = await admin.ExecuteAsync("ACL", "LOG");
        var refusals = log.Items.Select(static entry => entry.AsDictionary())
            .Where(entry => entry["username"].AsString() == user)
            .Select(static entry => $"{entry["reason"].AsString()} {entry["object"].AsString()}");
        refusals.Should().BeEmpty("the plan allows everything a task service does");
    }
}
