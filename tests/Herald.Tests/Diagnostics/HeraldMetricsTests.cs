using System.Runtime.CompilerServices;
using Herald.Redis.Commands;
using Herald.Retry;
using Herald.Testing;
using Herald.TestKit;
using Herald.Tests.Streams;

namespace Herald.Tests.Diagnostics;

/// <summary>Each instrument of <c>Meter("Herald")</c> moves at the right place, with the right tags, on real Redis.</summary>
public sealed class HeraldMetricsTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private const string Published = "herald.messages.published";
    private const string Delivered = "herald.messages.delivered";
    private const string Acked = "herald.messages.acked";
    private const string Failed = "herald.messages.failed";
    private const string Retried = "herald.messages.retried";
    private const string DeadLettered = "herald.messages.dead_lettered";
    private const string Duration = "herald.message.processing.duration";
    private const string Latency = "herald.message.latency";
    private const string InFlight = "herald.consumer.in_flight";
    private const string PlacedType = "test.order.placed";
    private const string CancelledType = "test.order.cancelled";

    [Fact]
    public async Task Consume_StreamWithPoisonMessage_EveryInstrumentMovesWithItsTags()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = Unique("orders");
        var orders = Destination.Stream(name);
        await using var consumer = await bus.Consume(orders, o =>
            {
                BusFixture.Fast(o);
                o.Group = "billing";
                o.Retry.MaxDeliveries = 2;
            })
            .Handle<OrderPlaced>((c, _) => c.Message.OrderId == "poison" ? throw new InvalidOperationException("cannot bill") : ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishBatchAsync(orders, [new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("poison", 3)]);

        await Wait.UntilAsync(() => metrics.Sum(DeadLettered, name) == 1 && metrics.Sum(Acked, name) == 2,
            because: "two orders are acknowledged and the poison one dead-lettered after two deliveries");
        metrics.Of(Published, name).Should().ContainSingle().Which.Should().Match<MetricsRecorder.Recorded>(m =>
            m.Value == 3 && m.Tag("herald.destination.kind") == "stream" && m.Tag("herald.message.type") == PlacedType
            && m.Tag("messaging.system") == "redis" && !m.Tags.ContainsKey("messaging.consumer.group.name"));
        metrics.Sum(Delivered, name).Should().Be(4, "a, b and two deliveries of the poison order");
        metrics.Of(Delivered, name).Should().OnlyContain(m => m.Tag("messaging.consumer.group.name") == "billing" && m.Tag("herald.message.type") == PlacedType);
        metrics.Of(Acked, name).Should().OnlyContain(m => m.Tag("messaging.consumer.group.name") == "billing" && m.Tag("herald.message.type") == PlacedType);
        metrics.Sum(Failed, name).Should().Be(2);
        metrics.Of(Failed, name).Should().OnlyContain(m => m.Tag("error.type") == typeof(InvalidOperationException).FullName);
        metrics.Sum(Retried, name).Should().Be(1);
        metrics.Of(DeadLettered, name).Should().ContainSingle().Which.Tag("herald.dead_letter.reason").Should().Be(nameof(DeadLetterReason.HandlerFailed));
        metrics.Of(Duration, name).Count(m => m.Tag("herald.outcome") == "success").Should().Be(2);
        metrics.Of(Duration, name).Count(m => m.Tag("herald.outcome") == "failure").Should().Be(2);
        metrics.Of(Duration, name).Should().OnlyContain(m => m.Value >= 0 && m.Value < 15);
        metrics.Of(Latency, name).Should().HaveCount(4).And.OnlyContain(m => m.Value >= 0 && m.Value < 15 && m.Tag("messaging.consumer.group.name") == "billing");
    }

    [Fact]
    public async Task Reclaim_EntryOfADeadConsumerPastMaxDeliveries_CountedAsDeadLettered()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = Unique("crashy");
        var stream = Destination.Stream(name);
        await bus.PublishAsync(stream, new OrderPlaced("killer", 1));

        // A consumer took the entry and died without acknowledging it.
        var key = bus.Keys.Stream(name);
        await bus.Redis!.StreamCreateGroupAsync(key, "default", "0");
        (await bus.Redis!.StreamReadGroupAsync(key, "default", "ghost")).Should().ContainSingle();
        var handled = 0;
        await using var consumer = await bus.Consume(stream, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 1;
            })
            .Handle<OrderPlaced>((_, _) =>
            {
                Interlocked.Increment(ref handled);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await Wait.UntilAsync(() => metrics.Sum(DeadLettered, name) == 1, because: "the reclaimed entry is past its deliveries and dead-lettered by the receiver");
        metrics.Of(DeadLettered, name).Single().Tag("herald.message.type").Should().Be(PlacedType);
        Volatile.Read(ref handled).Should().Be(0);
    }

    [Fact]
    public async Task Consume_QueueMessageWithoutHandler_CountedDeliveredFailedAndDeadLettered()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = Unique("jobs");
        var jobs = Destination.Queue(name);
        await using var consumer = await bus.Consume(jobs, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishAsync(jobs, new OrderPlaced("a", 1));
        await bus.PublishAsync(jobs, new OrderCancelled("x"));

        await Wait.UntilAsync(() => metrics.Sum(DeadLettered, name) == 1 && metrics.Sum(Acked, name) == 1,
            because: "the order is acknowledged and the cancellation, which has no handler, dead-lettered");
        metrics.Of(Published, name).Should().HaveCount(2).And.OnlyContain(m => m.Tag("herald.destination.kind") == "queue");
        metrics.Of(Delivered, name).Select(m => m.Tag("herald.message.type")).Should().BeEquivalentTo([PlacedType, CancelledType]);
        metrics.Of(Acked, name).Should().ContainSingle().Which.Tag("herald.message.type").Should().Be(PlacedType);
        var failed = metrics.Of(Failed, name).Should().ContainSingle().Subject;
        failed.Tag("error.type").Should().Be(typeof(NoHandlerException).FullName);
        failed.Tag("herald.message.type").Should().Be(CancelledType);
        metrics.Of(DeadLettered, name).Should().ContainSingle().Which.Tag("herald.dead_letter.reason").Should().Be(nameof(DeadLetterReason.NoHandler));
        metrics.Sum(Retried, name).Should().Be(0, "no retry can find a handler");
    }

    [Fact]
    public async Task Consume_Channel_PublishedDeliveredAndHandledCounted()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = Unique("news");
        var news = Destination.Channel(name);
        await using var consumer = await bus.Consume(news, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishBatchAsync(news, [new OrderPlaced("a", 1), new OrderPlaced("b", 2)]);

        await Wait.UntilAsync(() => metrics.Sum(Acked, name) == 2, because: "both channel messages are handled");
        metrics.Sum(Published, name).Should().Be(2);
        metrics.Of(Published, name).Should().OnlyContain(m => m.Tag("herald.destination.kind") == "channel");
        metrics.Sum(Delivered, name).Should().Be(2);
        metrics.Of(Duration, name).Should().HaveCount(2).And.OnlyContain(m => m.Tag("herald.outcome") == "success");
    }

    [Fact]
    public async Task Consume_PatternSubscription_TaggedWithThePatternNotEachChannel()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var pattern = Unique("ticks") + ".*";
        await using var consumer = await bus.Consume(Destination.Pattern(pattern), BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishAsync(Destination.Channel(pattern.Replace("*", "eu", StringComparison.Ordinal)), new OrderPlaced("a", 1));
        await bus.PublishAsync(Destination.Channel(pattern.Replace("*", "us", StringComparison.Ordinal)), new OrderPlaced("b", 1));

        await Wait.UntilAsync(() => metrics.Sum(Acked, pattern) == 2, because: "both channels' messages count under the subscription");
        metrics.Sum(Delivered, pattern).Should().Be(2);
        metrics.Of(Delivered, pattern).Should().OnlyContain(m => m.Tag("herald.destination.kind") == "pattern");
    }

    [Fact]
    public async Task InFlightGauge_BusyConsumer_ReportsHeldMessagesThenNothingOnceStopped()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = Unique("work");
        var work = Destination.Queue(name);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var consumer = await bus.Consume(work, o =>
            {
                BusFixture.Fast(o);
                o.Group = "crunchers";
                o.Concurrency = 2;
            })
            .Handle<OrderPlaced>(async (_, ct) =>
            {
                Interlocked.Increment(ref started);
                await release.Task.WaitAsync(ct);
            })
            .StartAsync();

        await bus.PublishBatchAsync(work, [new OrderPlaced("a", 1), new OrderPlaced("b", 2)]);
        await Wait.UntilAsync(() => Volatile.Read(ref started) == 2, because: "both handlers are running");

        metrics.Observe();
        var busy = metrics.Of(InFlight, name).Should().ContainSingle().Subject;
        busy.Value.Should().Be(2);
        busy.Tag("messaging.client.id").Should().Be(consumer.Name);
        busy.Tag("messaging.consumer.group.name").Should().Be("crunchers");
        busy.Tag("herald.destination.kind").Should().Be("queue");

        release.SetResult();
        await Wait.UntilAsync(() =>
        {
            metrics.Observe();
            return metrics.Of(InFlight, name)[^1].Value == 0;
        }, because: "finished messages leave the in-flight figure");

        await consumer.DisposeAsync();
        var readings = metrics.Of(InFlight, name).Count;
        metrics.Observe();
        metrics.Of(InFlight, name).Should().HaveCount(readings, "a stopped consumer is no longer reported");
    }

    [Fact]
    public async Task InFlightGauge_StoppedConsumer_NotKeptAliveByMetrics()
    {
        using var metrics = new MetricsRecorder();
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var reference = await StartAndStopAsync(bus, Destination.Queue(Unique("gone")));

        await Wait.UntilAsync(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return !reference.IsAlive;
        }, because: "nothing, the metrics registry included, holds a stopped consumer");
    }

    [Fact]
    public async Task Consume_InMemoryTransport_SameInstrumentsMove()
    {
        using var metrics = new MetricsRecorder();
        await using var harness = await HeraldTestHarness.StartAsync();
        var name = Unique("memory");
        var orders = Destination.Stream(name);
        await using var consumer = await harness.Bus.Consume(orders)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await harness.Bus.PublishAsync(orders, new OrderPlaced("a", 1));

        await Wait.UntilAsync(() => metrics.Sum(Acked, name) == 1, because: "the in-memory runtime is Herald's own runtime");
        metrics.Sum(Published, name).Should().Be(1);
        metrics.Sum(Delivered, name).Should().Be(1);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> StartAndStopAsync(HeraldClient bus, Destination destination)
    {
        var consumer = await bus.Consume(destination, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();
        await consumer.DisposeAsync();
        return new WeakReference(consumer);
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
