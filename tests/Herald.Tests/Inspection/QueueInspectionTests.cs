using Herald.Inspection;
using Herald.Redis.Commands;
using Herald.Tests.Lists;
using Herald.TestKit;
using Herald.Transports.Lists;

namespace Herald.Tests.Inspection;

public sealed class QueueInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_jobs = Destination.Queue("jobs");

    [Fact]
    public async Task GetQueue_PrioritiesDelayedAndHeldWork_ReportsEachLevelAndConsumer()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Queues["jobs"] = new QueueOptions { Priorities = 2 });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await bus.PublishBatchAsync(s_jobs, [.. Enumerable.Range(0, 3).Select(i => new OutgoingMessage<Job>(new Job(i)))]);
        await bus.PublishBatchAsync(s_jobs, [.. Enumerable.Range(10, 2).Select(i => new OutgoingMessage<Job>(new Job(i), new PublishOptions { Priority = 1 }))]);
        await bus.PublishAsync(s_jobs, new Job(99), new PublishOptions { Priority = 1, Delay = TimeSpan.FromHours(2) });
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.ConsumerName = "worker-1"; o.Concurrency = 1; o.Prefetch = 1; })
            .Handle<Job>(async (c, token) =>
            {
                started.TrySetResult(c.Message.Number);
                await gate.Task.WaitAsync(token);
            })
            .StartAsync();
        (await started.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(0, "level 0 is served first, oldest first");

        var queue = await InspectionKit.HourAhead(bus).GetQueueAsync("jobs", consumerTimeout: TimeSpan.FromHours(2));

        queue.Priorities.Should().Be(2);
        queue.Waiting.Should().Be(4);
        queue.Delayed.Should().Be(1);
        queue.InFlight.Should().Be(1);
        queue.Levels.Select(l => (l.Priority, l.Waiting, l.Delayed)).Should().Equal((0, 2L, 0L), (1, 2L, 1L));
        queue.Levels.Should().OnlyContain(l => InspectionKit.IsAboutAnHour(l.OldestWaitingAge));
        InspectionKit.IsAboutAnHour(queue.OldestWaitingAge).Should().BeTrue();
        queue.NextDelayedDue.Should().BeCloseTo(TimeProvider.System.GetUtcNow().AddHours(2), TimeSpan.FromMinutes(1));
        var worker = queue.Consumers.Should().ContainSingle().Which;
        worker.Name.Should().Be("worker-1");
        worker.InFlight.Should().Be(1);
        InspectionKit.IsAboutAnHour(worker.HeartbeatAge).Should().BeTrue();
        worker.PresumedDead.Should().BeFalse("an hour is within the two-hour timeout given");
        InspectionKit.IsAboutAnHour(worker.OldestInFlightAge).Should().BeTrue();
        queue.PausedGroups.Should().BeEmpty();
        queue.DeadLetters.Should().Be(0);
        gate.SetResult();
    }

    [Fact]
    public async Task GetQueue_ConsumerWhoseHeartbeatStopped_PresumedDeadWithItsWork()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishAsync(s_jobs, new Job(1));
        var redis = bus.Redis!;
        var ghost = bus.Keys.Processing("jobs", "ghost");
        await redis.ListMoveAsync(bus.Keys.Queue("jobs"), ghost, ListSide.Right, ListSide.Left);
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "ghost", TimeProvider.System.GetUtcNow().AddMinutes(-5).ToUnixTimeMilliseconds());

        var queue = await bus.CreateInspector().GetQueueAsync("jobs");

        queue.Waiting.Should().Be(0);
        queue.InFlight.Should().Be(1);
        var dead = queue.Consumers.Should().ContainSingle().Which;
        dead.Name.Should().Be("ghost");
        dead.PresumedDead.Should().BeTrue("five minutes is past the default thirty-second timeout");
        dead.HeartbeatAge.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(5));
        dead.InFlight.Should().Be(1);
    }

    [Fact]
    public async Task GetQueue_UnknownName_ThrowsDestinationNotFound()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishAsync(Destination.Stream("jobs"), new Job(1));

        var act = async () => await bus.CreateInspector().GetQueueAsync("jobs");

        await act.Should().ThrowAsync<DestinationNotFoundException>("a stream of that name is not the queue");
    }
}
