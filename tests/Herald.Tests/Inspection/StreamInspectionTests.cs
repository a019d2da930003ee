using System.Collections.Concurrent;
using Herald.Inspection;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class StreamInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task GetStream_OneGroupStuckAnotherDone_ReportsLagPendingConsumersAndAges()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var done = 0;
        await using var slow = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "slow"; o.ConsumerName = "slow-1"; o.Concurrency = 2; o.Prefetch = 2; })
            .Handle<OrderPlaced>(async (_, token) =>
            {
                Interlocked.Increment(ref started);
                await gate.Task.WaitAsync(token);
            })
            .StartAsync();
        await using var fast = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "fast"; o.ConsumerName = "fast-1"; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref done); return ValueTask.CompletedTask; })
            .StartAsync();
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 10).Select(i => new OrderPlaced($"o-{i}", i)));
        await Wait.UntilAsync(() => Volatile.Read(ref started) == 2 && Volatile.Read(ref done) == 10, because: "the slow group holds two, the fast one finished");
        var inspector = InspectionKit.HourAhead(bus);

        await Wait.UntilAsync(async () => (await inspector.GetStreamAsync("orders")).Groups.Single(g => g.Name == "fast").Pending == 0, because: "the fast group acknowledges");
        var stream = await inspector.GetStreamAsync("orders");

        stream.Partitions.Should().Be(1);
        stream.Length.Should().Be(10);
        InspectionKit.IsAboutAnHour(stream.FirstEntryAge).Should().BeTrue();
        stream.LastEntryId.Should().Be((await bus.Redis!.StreamRangeReverseAsync(bus.Keys.Stream("orders"), count: 1))[0].Id);
        stream.Groups.Select(g => g.Name).Should().Equal("fast", "slow");
        var stuck = stream.Groups.Single(g => g.Name == "slow");
        stuck.Pending.Should().Be(2);
        stuck.Lag.Should().Be(8);
        stuck.LagAccuracy.Should().Be(LagAccuracy.Reported);
        stuck.EntriesRead.Should().Be(2);
        InspectionKit.IsAboutAnHour(stuck.OldestPendingAge).Should().BeTrue();
        InspectionKit.IsAboutAnHour(stuck.OldestWaitingAge).Should().BeTrue();
        stuck.OldestPendingIdle.Should().BeLessThan(TimeSpan.FromMinutes(1), "idle time is Redis' own, not the shifted clock");
        stuck.Consumers.Should().ContainSingle().Which.Should().Match<StreamConsumerDetails>(c => c.Name == "slow-1" && c.Pending == 2);
        stuck.Paused.Should().BeFalse();
        var finished = stream.Groups.Single(g => g.Name == "fast");
        finished.Lag.Should().Be(0);
        finished.OldestPendingAge.Should().BeNull();
        finished.OldestWaitingAge.Should().BeNull();
        finished.LastDeliveredId.Should().Be(stream.LastEntryId);
        stream.PartitionDetails.Should().ContainSingle().Which.Key.Should().Be(bus.Keys.Stream("orders"));
        gate.SetResult();
    }

    [Fact]
    public async Task GetStream_EntryDeletedAfterGroupPosition_CountsTheLagRedisCannotReport()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var results = await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"o-{i}", i)));
        var key = bus.Keys.Stream("orders");
        await bus.Redis!.StreamCreateGroupAsync(key, "audit", "0");
        await bus.Redis!.StreamReadGroupAsync(key, "audit", "auditor", count: 1);
        await bus.Redis!.StreamDeleteAsync(key, [results[2].EntryId!]);

        var group = (await bus.CreateInspector().GetStreamAsync("orders")).Groups.Single();

        (await bus.Redis!.StreamGroupsAsync(key)).Single().Lag.Should().BeNull("a deletion after the group's position hides the lag from Redis");
        group.Lag.Should().Be(3);
        group.LagAccuracy.Should().Be(LagAccuracy.Counted);
        group.Pending.Should().Be(1);
    }

    [Fact]
    public async Task GetStream_PartitionedStreamWithBacklog_SumsPartitionsAndGroups()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Streams["accounts"] = new() { Partitions = 3 });
        var accounts = Destination.Stream("accounts");
        var handled = 0;
        await using (var consumer = await bus.Consume(accounts, o => { BusFixture.Fast(o); o.Group = "billing"; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync())
        {
            await bus.PublishBatchAsync(accounts, [.. Enumerable.Range(0, 30).Select(i => new OutgoingMessage<OrderPlaced>(new OrderPlaced($"o-{i}", i), new PublishOptions { Key = $"k{i}" }))]);
            await Wait.UntilAsync(() => Volatile.Read(ref handled) == 30, because: "the group reads every partition");
            await Wait.UntilAsync(async () => (await bus.CreateInspector().GetStreamAsync("accounts")).Groups.Single().Pending == 0, because: "the group acknowledges");
        }

        await bus.PublishBatchAsync(accounts, [.. Enumerable.Range(0, 6).Select(i => new OutgoingMessage<OrderPlaced>(new OrderPlaced($"late-{i}", i), new PublishOptions { Key = $"late{i}" }))]);
        var stream = await bus.CreateInspector().GetStreamAsync("accounts");

        stream.Partitions.Should().Be(3);
        stream.PartitionDetails.Select(p => p.Key).Should().Equal(Enumerable.Range(0, 3).Select(p => bus.Keys.Stream("accounts", p)));
        stream.PartitionDetails.Sum(p => p.Length).Should().Be(36);
        stream.Length.Should().Be(36);
        stream.PartitionDetails.Should().OnlyContain(p => p.Length > 0, "keys spread over every partition");
        var group = stream.Groups.Single();
        group.Name.Should().Be("billing");
        group.Lag.Should().Be(6);
        group.EntriesRead.Should().Be(30);
        group.LastDeliveredId.Should().BeNull("each partition has its own position");
        stream.PartitionDetails.Sum(p => p.Groups.Single().Lag).Should().Be(6);
        stream.PartitionDetails.Should().OnlyContain(p => p.Groups.Single().LastDeliveredId != null);
        stream.FirstEntryId.Should().Be(stream.PartitionDetails.Select(p => p.FirstEntryId!).MinBy(StreamId.Parse));
        stream.LastEntryId.Should().Be(stream.PartitionDetails.Select(p => p.LastEntryId!).MaxBy(StreamId.Parse));
    }

    [Fact]
    public async Task GetStream_GroupWaitingForDelayedRetry_CountsItsRetriesOnly()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var failures = new ConcurrentBag<int>();
        await using var failing = await bus.Consume(s_orders, o =>
            {
                BusFixture.Fast(o);
                o.Group = "billing";
                o.Retry.DelayedRetryDelay = TimeSpan.FromHours(1);
                o.Retry.MaxDelayedRetryDelay = TimeSpan.FromHours(1);
            })
            .Handle<OrderPlaced>((c, _) =>
            {
                failures.Add(c.Attempt);
                throw new InvalidOperationException("billing is down");
            })
            .StartAsync();
        await using var fine = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "shipping"; })
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();
        await bus.PublishBatchAsync(s_orders, [new OrderPlaced("a", 1), new OrderPlaced("b", 2)]);
        var inspector = bus.CreateInspector();

        await Wait.UntilAsync(async () => (await inspector.GetStreamAsync("orders")).Groups.Single(g => g.Name == "billing").DelayedRetries == 2,
            because: "both failures wait an hour for their retry");
        var stream = await inspector.GetStreamAsync("orders");

        stream.Groups.Single(g => g.Name == "shipping").DelayedRetries.Should().Be(0);
        stream.Groups.Single(g => g.Name == "billing").Pending.Should().Be(0, "a scheduled retry is acknowledged in the stream");
        failures.Should().Equal(1, 1);
    }

    [Fact]
    public async Task GetStream_UnknownName_ThrowsDestinationNotFound()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());

        var act = async () => await bus.CreateInspector().GetStreamAsync("nowhere");

        (await act.Should().ThrowAsync<DestinationNotFoundException>()).Which.Destination.Should().Be(Destination.Stream("nowhere"));
    }
}
