using Herald.Inspection;
using Herald.Redis.Commands;
using Herald.Testing;
using Herald.Tests.Lists;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class DestinationInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task ListDestinations_StreamAndQueueInUse_OneRowEachWithItsFigures()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var jobs = Destination.Queue("jobs");
        var inspector = InspectionKit.HourAhead(bus);
        // Joining the group is enough: stopped, it lags behind what is published next.
        var member = await bus.Consume(orders, o => { BusFixture.Fast(o); o.Group = "billing"; }).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamConsumersAsync(bus.Keys.Stream("orders"), "billing")).Count == 1, because: "the consumer joins the group");
        await member.DisposeAsync();

        await bus.PublishBatchAsync(orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o-{i}", i)));
        await bus.PublishBatchAsync(jobs, [new Job(1), new Job(2)]);
        await inspector.PauseAsync(jobs);

        var rows = await inspector.ListDestinationsAsync();

        rows.Select(r => r.Destination).Should().Equal(orders, jobs);
        var stream = rows[0];
        stream.Should().BeEquivalentTo(new { Layout = 1, Length = 3L, Groups = 1, Consumers = 1L, Lag = 3L, Pending = 0L, DeadLetters = 0L, Paused = false });
        InspectionKit.IsAboutAnHour(stream.OldestAge).Should().BeTrue("the oldest entry waits for the group");
        var queue = rows[1];
        queue.Should().BeEquivalentTo(new { Layout = 1, Length = 2L, Groups = 0, Consumers = 0L, Lag = 2L, Pending = 0L, DeadLetters = 0L, Paused = true });
        InspectionKit.IsAboutAnHour(queue.OldestAge).Should().BeTrue();
        (await inspector.GetDestinationAsync(jobs)).Should().BeEquivalentTo(queue, o => o.Excluding(r => r.OldestAge));
    }

    [Fact]
    public async Task ListDestinations_NothingUsedUnderThePrefix_Empty()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());

        (await bus.CreateInspector().ListDestinationsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task ListRegisteredDestinations_StreamsAndQueuesUsed_EachOnceByKindThenName()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var inspector = bus.CreateInspector();
        (await inspector.ListRegisteredDestinationsAsync()).Should().BeEmpty();
        await bus.PublishAsync(Destination.Queue("jobs"), new Job(1));
        await bus.PublishAsync(Destination.Stream("orders"), new OrderPlaced("a", 1));
        await bus.PublishAsync(Destination.Stream("audit"), new OrderPlaced("b", 2));
        await bus.PublishAsync(Destination.Stream("orders"), new OrderPlaced("c", 3));

        var registered = await inspector.ListRegisteredDestinationsAsync();

        registered.Should().Equal(Destination.Stream("audit"), Destination.Stream("orders"), Destination.Queue("jobs"));
        registered.Should().Equal((await inspector.ListDestinationsAsync()).Select(r => r.Destination));
    }

    [Fact]
    public async Task GetDestination_UnknownStream_ThrowsDestinationNotFoundNamingPrefix()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishAsync(Destination.Stream("orders"), new OrderPlaced("a", 1));

        var act = async () => await bus.CreateInspector().GetDestinationAsync(Destination.Stream("order"));

        var thrown = (await act.Should().ThrowAsync<DestinationNotFoundException>()).Which;
        thrown.Destination.Should().Be(Destination.Stream("order"));
        thrown.Prefix.Should().Be(bus.Keys.Prefix);
        thrown.Message.Should().Contain("stream:order").And.Contain(bus.Keys.Prefix);
    }

    [Fact]
    public async Task GetMemoryUsage_StreamWithDeadLetterAndQueue_SumsEachDestinationsKeys()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var inspector = bus.CreateInspector();
        await using var consumer = await bus.Consume(orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((c, _) => c.Message.OrderId == "bad" ? throw new InvalidOperationException("no") : ValueTask.CompletedTask)
            .StartAsync();
        await bus.PublishBatchAsync(orders, Enumerable.Range(0, 50).Select(i => new OrderPlaced(i == 7 ? "bad" : $"o-{i}", i)));
        await bus.PublishBatchAsync(Destination.Queue("jobs"), Enumerable.Range(0, 20).Select(i => new Job(i)));
        await InspectionKit.DeadLettersAsync(inspector, orders, 1);

        var stream = await inspector.GetMemoryUsageAsync(orders, samples: 0);
        var queue = await inspector.GetMemoryUsageAsync(Destination.Queue("jobs"));

        stream.Keys.Select(k => k.Key).Should().Contain([bus.Keys.Stream("orders"), bus.Keys.DeadLetters("orders"), bus.Keys.RetriedStream("orders", "default")]);
        stream.Keys.Should().OnlyContain(k => k.Bytes > 0);
        stream.Bytes.Should().Be(stream.Keys.Sum(k => k.Bytes));
        stream.Keys.Should().BeInDescendingOrder(k => k.Bytes);
        stream.Keys[0].Key.Should().Be(bus.Keys.Stream("orders"), "fifty entries outweigh one dead letter");
        queue.Keys.Select(k => k.Key).Should().Equal(bus.Keys.Queue("jobs"));
        queue.Bytes.Should().BeGreaterThan(20 * 100, "twenty framed envelopes of more than a hundred bytes each");
    }

    [Fact]
    public async Task CreateInspector_ClientOnTheInMemoryTransport_ThrowsInvalidOperation()
    {
        await using var harness = await HeraldTestHarness.StartAsync();

        var act = () => harness.Bus.CreateInspector();

        act.Should().Throw<InvalidOperationException>().WithMessage("*no Redis*");
    }
}
