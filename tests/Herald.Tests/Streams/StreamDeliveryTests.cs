using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Streams;

[HeraldMessage("test.order.placed")]
public sealed record OrderPlaced(string OrderId, [property: Range(0, 1_000_000)] decimal Amount);

[HeraldMessage("test.order.cancelled")]
public sealed record OrderCancelled(string OrderId);

public sealed class StreamDeliveryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task Consume_PublishedMessages_EachHandledAndNothingLeftPending()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var seen = new ConcurrentDictionary<string, int>();
        await using var consumer = await bus.Consume(orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) =>
            {
                seen.AddOrUpdate(context.Message.OrderId, 1, static (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishBatchAsync(orders, Enumerable.Range(0, 1000).Select(i => new OrderPlaced($"o{i}", i)));

        await Wait.UntilAsync(() => seen.Count == 1000, because: "every published order is handled");
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingAsync(bus.Keys.Stream("orders"), "default")).Count == 0,
            because: "every handled order is acknowledged");
        seen.Values.Should().OnlyContain(count => count == 1);
    }

    [Fact]
    public async Task Consume_SeveralTypesOnOneStream_RoutesEachTypeToItsHandler()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var events = Destination.Stream("events");
        var placed = new ConcurrentBag<string>();
        var cancelled = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(events, BusFixture.Fast)
            .Handle<OrderPlaced>((c, _) => { placed.Add(c.Message.OrderId); return ValueTask.CompletedTask; })
            .Handle<OrderCancelled>((c, _) => { cancelled.Add(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();

        await bus.PublishAsync(events, new OrderPlaced("a", 1));
        await bus.PublishAsync(events, new OrderCancelled("b"));

        await Wait.UntilAsync(() => placed.Count == 1 && cancelled.Count == 1);
        placed.Should().Equal("a");
        cancelled.Should().Equal("b");
    }

    [Fact]
    public async Task Consume_PoisonMessage_DeadLetteredWithReasonAfterMaxDeliveriesWhileOthersFlow()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var handled = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(orders, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 3;
            })
            .Handle<OrderPlaced>((c, _) =>
            {
                if (c.Message.OrderId == "poison")
                {
                    throw new InvalidOperationException("cannot bill this order");
                }

                handled.Add(c.Message.OrderId);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishAsync(orders, new OrderPlaced("poison", 1));
        await bus.PublishBatchAsync(orders, Enumerable.Range(0, 50).Select(i => new OrderPlaced($"ok{i}", i)));

        await Wait.UntilAsync(() => handled.Count == 50, because: "healthy messages flow past the poison one");
        var dlq = bus.Keys.DeadLetters("orders");
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(dlq) == 1, because: "the poison message is dead-lettered");
        var entry = (await bus.Redis!.StreamRangeAsync(dlq)).Single();
        entry.GetString("dlq-reason").Should().Be("HandlerFailed");
        entry.GetString("dlq-error").Should().Be("cannot bill this order");
        entry.GetString("dlq-error-type").Should().Be(typeof(InvalidOperationException).FullName);
        entry.GetString("dlq-attempts").Should().Be("3");
        entry.GetString("dlq-origin").Should().Be("stream:orders");
        entry.GetString("dlq-stack").Should().Contain(nameof(Consume_PoisonMessage_DeadLetteredWithReasonAfterMaxDeliveriesWhileOthersFlow));
        entry.GetString("type").Should().Be("test.order.placed");
        consumer.Statistics.Retried.Should().Be(2);
    }

    [Fact]
    public async Task Consume_UndecodableAndInvalidMessages_DeadLetteredImmediatelyWithReason()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var handled = 0;
        await using var consumer = await bus.Consume(orders, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync();

        var stream = bus.Keys.Stream("orders");
        await bus.Redis!.ExecuteAsync("XADD", stream, "*", "id", "bad-json", "type", "test.order.placed", "datacontenttype", "application/json", "data", "{not json");
        await bus.Redis!.ExecuteAsync("XADD", stream, "*", "id", "too-big", "type", "test.order.placed", "datacontenttype", "application/json", "data", "{\"orderId\":\"x\",\"amount\":-5}");
        await bus.PublishAsync(orders, new OrderPlaced("fine", 5));

        var dlq = bus.Keys.DeadLetters("orders");
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(dlq) == 2);
        var reasons = (await bus.Redis!.StreamRangeAsync(dlq)).ToDictionary(e => e.GetString("id")!, e => e.GetString("dlq-reason"));
        reasons.Should().BeEquivalentTo(new Dictionary<string, string?> { ["bad-json"] = "Undecodable", ["too-big"] = "Invalid" });
        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 1);
    }
}
