using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Consuming;

public sealed class ReadAllTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task ReadAllAsync_CallerMovesOn_EarlierItemsAcknowledgedAndTheHeldOneLeftPending()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var published = await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o-{i}", i)));
        var stream = bus.Keys.Stream("orders");
        var read = new List<string>();

        await foreach (var item in bus.ReadAllAsync<OrderPlaced>(s_orders, BusFixture.Fast))
        {
            read.Add(item.Message.OrderId);
            if (read.Count == 3)
            {
                await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingEntriesAsync(stream, "default", 10)).Count == 1, because: "moving on acknowledges the items before");
                break;
            }
        }

        read.Should().Equal("o-0", "o-1", "o-2");
        (await bus.Redis!.StreamPendingEntriesAsync(stream, "default", 10)).Should().ContainSingle()
            .Which.Id.Should().Be(published[2].EntryId, "the item held when the loop broke is not acknowledged");
        bus.Consumers.Should().BeEmpty("breaking out stops the consumer underneath");
    }

    [Fact]
    public async Task ReadAllAsync_LoopThrows_CurrentItemRedeliveredToTheNextReader()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishAsync(s_orders, new OrderPlaced("only", 1));

        var reading = async () =>
        {
            await foreach (var item in bus.ReadAllAsync<OrderPlaced>(s_orders, BusFixture.Fast))
            {
                throw new InvalidOperationException($"cannot handle {item.Message.OrderId}");
            }
        };
        await reading.Should().ThrowAsync<InvalidOperationException>();

        await foreach (var item in bus.ReadAllAsync<OrderPlaced>(s_orders, BusFixture.Fast))
        {
            item.Message.OrderId.Should().Be("only", "the message the failed loop held comes back");
            break;
        }

        bus.Consumers.Should().BeEmpty();
    }

    [Fact]
    public async Task ReadAllAsync_Cancelled_StopsAndLeavesTheHeldItemPending()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var published = await bus.PublishAsync(s_orders, new OrderPlaced("held", 1));
        using var cancellation = new CancellationTokenSource();

        var reading = async () =>
        {
            await foreach (var item in bus.ReadAllAsync<OrderPlaced>(s_orders, BusFixture.Fast, cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        };
        await reading.Should().ThrowAsync<OperationCanceledException>();

        (await bus.Redis!.StreamPendingEntriesAsync(bus.Keys.Stream("orders"), "default", 10)).Should().ContainSingle().Which.Id.Should().Be(published.EntryId);
        bus.Consumers.Should().BeEmpty();
    }
}
