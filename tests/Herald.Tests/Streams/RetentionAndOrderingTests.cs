using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Streams;

public sealed class RetentionAndOrderingTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task Retention_SlowGroup_KeepsEveryEntryItHasNotAcknowledged()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o =>
            o.Streams["audit"] = new() { MaxLength = 10, TrimInterval = TimeSpan.FromMilliseconds(100) });
        var audit = Destination.Stream("audit");
        var stream = bus.Keys.Stream("audit");
        await bus.Redis!.StreamCreateGroupAsync(stream, "slow", "0", makeStream: true);
        var fast = 0;
        await using var consumer = await bus.Consume(audit, o => { BusFixture.Fast(o); o.Group = "fast"; })
            .HandleAny((_, _) => { Interlocked.Increment(ref fast); return ValueTask.CompletedTask; })
            .StartAsync();
        await bus.PublishBatchAsync(audit, Enumerable.Range(0, 100).Select(i => new { I = i }));
        await Wait.UntilAsync(() => Volatile.Read(ref fast) == 100);

        // The fast group finished, but the slow one has read nothing: retention must not remove any entry.
        await WaitForTrimCyclesAsync(consumer);
        (await bus.Redis!.StreamLengthAsync(stream)).Should().Be(100);

        // The slow group acknowledges the first 50: only those may go.
        var firstHalf = await bus.Redis!.StreamReadGroupAsync(stream, "slow", "s1", count: 50);
        await bus.Redis!.StreamAcknowledgeAsync(stream, "slow", [.. firstHalf.Select(e => e.Id)]);
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(stream) == 50, because: "acknowledged entries beyond the limit are trimmed");
        await WaitForTrimCyclesAsync(consumer);
        (await bus.Redis!.StreamLengthAsync(stream)).Should().Be(50, "the 50 unacknowledged entries are all kept");

        // Read but unacknowledged entries are kept too.
        var rest = await bus.Redis!.StreamReadGroupAsync(stream, "slow", "s1", count: 50);
        await WaitForTrimCyclesAsync(consumer);
        (await bus.Redis!.StreamLengthAsync(stream)).Should().Be(50);
        await bus.Redis!.StreamAcknowledgeAsync(stream, "slow", [.. rest.Select(e => e.Id)]);
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(stream) == 10, because: "once everything is acknowledged, the length limit applies");
    }

    [Fact]
    public async Task OrderByKey_PartitionedStreamUnderConcurrency_HandlesEachKeyInPublishOrder()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Streams["accounts"] = new() { Partitions = 4 });
        var accounts = Destination.Stream("accounts");
        var seen = new ConcurrentDictionary<string, ConcurrentQueue<int>>();
        await using var consumer = await bus.Consume(accounts, o =>
            {
                BusFixture.Fast(o);
                o.OrderByKey = true;
                o.Concurrency = 8;
            })
            .Handle<AccountEvent>(async (c, token) =>
            {
                // Uneven handler times would reorder an unordered consumer.
                await Task.Delay(Random.Shared.Next(0, 3), token);
                seen.GetOrAdd(c.Message.Account, _ => new()).Enqueue(c.Message.Sequence);
            })
            .StartAsync();

        var messages = Enumerable.Range(0, 40).SelectMany(seq => Enumerable.Range(0, 10).Select(a => new OutgoingMessage<AccountEvent>(
            new AccountEvent($"acct-{a}", seq), new PublishOptions { Key = $"acct-{a}" }))).ToList();
        await bus.PublishBatchAsync(accounts, messages);

        await Wait.UntilAsync(() => seen.Values.Sum(q => q.Count) == 400);
        foreach (var (account, sequence) in seen)
        {
            sequence.Should().Equal(Enumerable.Range(0, 40), $"{account}'s events are handled in order");
        }

        var partitionsUsed = 0;
        for (var p = 0; p < 4; p++)
        {
            partitionsUsed += await bus.Redis!.StreamLengthAsync(bus.Keys.Stream("accounts", p)) > 0 ? 1 : 0;
        }

        partitionsUsed.Should().BeGreaterThan(1, "keys spread over the partitions");
    }

    [Fact]
    public async Task Prefetch_MillionMessagesWaiting_HoldsAtMostPrefetchInMemory()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var backlog = Destination.Stream("backlog");
        var stream = bus.Keys.Stream("backlog");

        // Filling Redis server-side keeps the test fast; the entries are ordinary Herald envelopes.
        await bus.Redis!.ExecuteAsync(new RedisCommand("EVAL",
            "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'id', 'm' .. i, 'type', 'fill', 'datacontenttype', 'application/json', 'data', ARGV[2]) end return 1",
            1, stream, 1_000_000, "{\"payload\":\"" + new string('x', 80) + "\"}").WithKey(2).WithTimeout(TimeSpan.FromSeconds(60)));
        (await bus.Redis!.StreamLengthAsync(stream)).Should().Be(1_000_000);

        using var gate = new SemaphoreSlim(0);
        var started = 0;
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var consumer = await bus.Consume(backlog, o =>
            {
                BusFixture.Fast(o);
                o.Prefetch = 256;
                o.Concurrency = 4;
                o.HandlerTimeout = Timeout.InfiniteTimeSpan;
            })
            .HandleAny(async (_, token) =>
            {
                Interlocked.Increment(ref started);
                await gate.WaitAsync(token);
            })
            .StartAsync();

        await Wait.UntilAsync(() => consumer.InFlight == 256, because: "the consumer fills its prefetch and stops there");
        var during = GC.GetTotalMemory(forceFullCollection: true);
        consumer.InFlight.Should().Be(256);
        consumer.Statistics.Received.Should().Be(256, "a full prefetch stops fetching");
        (during - before).Should().BeLessThan(32L * 1024 * 1024, "memory holds the prefetch, not the backlog");

        // Let a few thousand through: the bound holds while messages flow.
        gate.Release(5000);
        await Wait.UntilAsync(() => consumer.Statistics.Processed >= 5000);
        consumer.InFlight.Should().BeLessThanOrEqualTo(256);
        gate.Release(int.MaxValue / 2);
    }

    // The trim interval (100 ms) is shorter than a maintenance pass, so every pass trims: two whole passes
    // after a change prove that a trim which must not happen did not happen.
    private static async Task WaitForTrimCyclesAsync(Herald.Consuming.Consumer consumer)
    {
        var target = consumer.MaintenanceCycles + 2;
        await Wait.UntilAsync(() => consumer.MaintenanceCycles >= target, because: "two maintenance passes run");
    }
}

public sealed record AccountEvent(string Account, int Sequence);
