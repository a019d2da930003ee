using Herald.Consuming;
using Herald.Inspection;
using Herald.Tests.Lists;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class ControlInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task PauseAsync_RunningStreamGroup_StopsConsumingUntilResumed()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var billed = 0;
        var shipped = 0;
        await using var billing = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "billing"; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref billed); return ValueTask.CompletedTask; })
            .StartAsync();
        await using var shipping = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "shipping"; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref shipped); return ValueTask.CompletedTask; })
            .StartAsync();
        var inspector = bus.CreateInspector();

        (await inspector.PauseAsync(s_orders, "billing")).Should().BeTrue();

        await Wait.UntilAsync(() => billing.State == ConsumerState.Paused, because: "the consumer reads the pause");

        // A read already blocking when the pause was seen may still return; the next ones are not made.
        await InspectionKit.CyclesAsync(billing, 2);
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"o-{i}", i)));
        await Wait.UntilAsync(() => Volatile.Read(ref shipped) == 5, because: "another group is not paused");
        await InspectionKit.CyclesAsync(billing, 3);
        Volatile.Read(ref billed).Should().Be(0);
        (await inspector.IsPausedAsync(s_orders, "billing")).Should().BeTrue();
        (await inspector.IsPausedAsync(s_orders, "shipping")).Should().BeFalse();
        (await inspector.PauseAsync(s_orders, "billing")).Should().BeFalse("it is paused already");
        var stream = await inspector.GetStreamAsync("orders");
        stream.Groups.Single(g => g.Name == "billing").Should().Match<StreamGroupDetails>(g => g.Paused && g.Lag == 5);
        stream.Groups.Single(g => g.Name == "shipping").Paused.Should().BeFalse();
        var paused = (await inspector.ListPausedAsync()).Should().ContainSingle().Which;
        paused.Destination.Should().Be(s_orders);
        paused.Group.Should().Be("billing");
        paused.Since.Should().BeCloseTo(TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(1));

        (await inspector.ResumeAsync(s_orders, "billing")).Should().BeTrue();

        await Wait.UntilAsync(() => Volatile.Read(ref billed) == 5, because: "resuming lets the group catch up");
        billing.State.Should().Be(ConsumerState.Running);
        (await inspector.ListPausedAsync()).Should().BeEmpty();
        (await inspector.ResumeAsync(s_orders, "billing")).Should().BeFalse("it is not paused any more");
    }

    [Fact]
    public async Task PauseAsync_StreamGroup_QueueOfTheSameNameKeepsConsuming()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var queue = Destination.Queue("orders");
        var done = 0;
        await using var streamConsumer = await bus.Consume(s_orders, BusFixture.Fast).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await using var queueConsumer = await bus.Consume(queue, BusFixture.Fast)
            .Handle<Job>((_, _) => { Interlocked.Increment(ref done); return ValueTask.CompletedTask; })
            .StartAsync();
        var inspector = bus.CreateInspector();

        await inspector.PauseAsync(s_orders);
        await Wait.UntilAsync(() => streamConsumer.State == ConsumerState.Paused, because: "the stream's default group is paused");
        await bus.PublishBatchAsync(queue, Enumerable.Range(0, 3).Select(i => new Job(i)));

        await Wait.UntilAsync(() => Volatile.Read(ref done) == 3, because: "a pause belongs to one kind, not to every destination of the name");
        queueConsumer.State.Should().Be(ConsumerState.Running);
        (await inspector.IsPausedAsync(queue)).Should().BeFalse();
        (await inspector.IsPausedAsync(s_orders)).Should().BeTrue();
    }

    [Fact]
    public async Task PauseAsync_QueueDefaultGroup_WorkWaitsUntilResumed()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var jobs = Destination.Queue("jobs");
        var done = 0;
        await using var worker = await bus.Consume(jobs, BusFixture.Fast)
            .Handle<Job>((_, _) => { Interlocked.Increment(ref done); return ValueTask.CompletedTask; })
            .StartAsync();
        var inspector = bus.CreateInspector();
        await inspector.PauseAsync(jobs);
        await Wait.UntilAsync(() => worker.State == ConsumerState.Paused, because: "the worker reads the pause");
        await InspectionKit.CyclesAsync(worker, 2);

        await bus.PublishBatchAsync(jobs, Enumerable.Range(0, 4).Select(i => new Job(i)));
        await InspectionKit.CyclesAsync(worker, 3);

        Volatile.Read(ref done).Should().Be(0);
        (await inspector.GetQueueAsync("jobs")).Should().Match<QueueDetails>(q => q.Waiting == 4 && q.PausedGroups.Single() == HeraldInspector.DefaultGroup);

        await inspector.ResumeAsync(jobs);

        await Wait.UntilAsync(() => Volatile.Read(ref done) == 4, because: "resumed, the worker takes the waiting jobs");
        (await inspector.GetQueueAsync("jobs")).Waiting.Should().Be(0);
    }

    [Fact]
    public async Task PauseAsync_UnknownQueue_ThrowsAndPausesNothing()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var inspector = bus.CreateInspector();

        var act = async () => await inspector.PauseAsync(Destination.Queue("typo"));

        await act.Should().ThrowAsync<DestinationNotFoundException>();
        (await inspector.IsPausedAsync(Destination.Queue("typo"))).Should().BeFalse();
    }
}
