using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Streams;

public sealed class GroupRecoveryAndReplayTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task Consume_GroupDestroyedWhileRunning_RecreatedAndNothingUnacknowledgedSkipped()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var orders = Destination.Stream("orders");
        var seen = new ConcurrentDictionary<string, bool>();
        await using var consumer = await bus.Consume(orders, BusFixture.Fast)
            .Handle<OrderPlaced>((c, _) => { seen[c.Message.OrderId] = true; return ValueTask.CompletedTask; })
            .StartAsync();
        await bus.PublishAsync(orders, new OrderPlaced("before", 1));
        await Wait.UntilAsync(() => seen.ContainsKey("before"));

        // What Redis does to a group when it restarts without persistence or is flushed.
        await bus.Redis!.StreamDestroyGroupAsync(bus.Keys.Stream("orders"), "default");
        await bus.PublishAsync(orders, new OrderPlaced("after", 2));

        await Wait.UntilAsync(() => seen.ContainsKey("after"), because: "the consumer re-creates its group and goes on");
        (await bus.Redis!.StreamGroupsAsync(bus.Keys.Stream("orders"))).Select(g => g.Name).Should().Contain("default");
    }

    [Fact]
    public async Task StartFrom_BeginningEntryIdOrTime_NewGroupReplaysFromThere()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var history = Destination.Stream("history");
        var published = new List<PublishResult>();
        for (var i = 0; i < 6; i++)
        {
            if (i == 3)
            {
                // The second half starts in a later millisecond than the first ends, so a time splits them.
                var last = StreamId.Parse(published[2].EntryId!).Milliseconds;
                await Wait.UntilAsync(() => (ulong)TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() > last + 1);
            }

            published.Add(await bus.PublishAsync(history, new OrderPlaced($"o{i}", i)));
        }

        var fromStart = await ReplayAsync(bus, history, "all", o => o.StartFrom = "0", 6);
        fromStart.Should().Equal("o0", "o1", "o2", "o3", "o4", "o5");

        // From an id: entries after it, as XREADGROUP defines.
        var fromId = await ReplayAsync(bus, history, "after-third", o => o.StartFrom = published[2].EntryId!, 3);
        fromId.Should().Equal("o3", "o4", "o5");

        // From a time: the first entry at or after it.
        var fourth = StreamId.Parse(published[3].EntryId!).Timestamp;
        var fromTime = await ReplayAsync(bus, history, "since", o => o.StartAt(fourth), 3);
        fromTime.Should().Equal("o3", "o4", "o5");

        // New messages only.
        var onlyNew = await ReplayAsync(bus, history, "new-only", o => o.StartFrom = "$", 0);
        onlyNew.Should().BeEmpty();
    }

    private static async Task<List<string>> ReplayAsync(HeraldClient bus, Destination destination, string group, Action<ConsumerOptions> start, int expected)
    {
        var seen = new ConcurrentQueue<string>();
        await using var consumer = await bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                start(o);
                o.Group = group;
                o.Concurrency = 1;
            })
            .Handle<OrderPlaced>((c, _) => { seen.Enqueue(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();

        // Two maintenance passes after the expected count prove nothing more arrives.
        await Wait.UntilAsync(() => seen.Count >= expected);
        var target = consumer.MaintenanceCycles + 2;
        await Wait.UntilAsync(() => consumer.MaintenanceCycles >= target);
        return [.. seen];
    }
}
