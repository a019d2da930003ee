using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;
using Herald.Transports.Lists;

namespace Herald.Tests.Lists;

public sealed class ListDeliveryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_jobs = Destination.Queue("jobs");

    [Fact]
    public async Task Consume_OneConsumer_HandlesInPublishingOrder()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 150).Select(i => new Job(i)));
        for (var i = 150; i < 200; i++)
        {
            await bus.PublishAsync(s_jobs, new Job(i));
        }

        var order = new ConcurrentQueue<int>();
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .Handle<Job>((c, _) => { order.Enqueue(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => order.Count == 200, because: "every job is handled");
        order.Should().Equal(Enumerable.Range(0, 200));
    }

    [Fact]
    public async Task Consume_CompetingConsumers_EachMessageHandledExactlyOnce()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var seen = new ConcurrentDictionary<int, int>();
        var byConsumer = new ConcurrentDictionary<string, int>();
        var consumers = new List<Herald.Consuming.Consumer>();
        for (var i = 0; i < 3; i++)
        {
            consumers.Add(await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Prefetch = 20; o.BatchSize = 10; })
                .Handle<Job>((c, _) =>
                {
                    seen.AddOrUpdate(c.Message.Number, 1, static (_, n) => n + 1);
                    byConsumer.AddOrUpdate(c.Context.Consumer, 1, static (_, n) => n + 1);
                    return ValueTask.CompletedTask;
                })
                .StartAsync());
        }

        try
        {
            await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 900).Select(i => new Job(i)));

            await Wait.UntilAsync(() => seen.Count == 900, because: "every job is handled");
            await Wait.UntilAsync(() => consumers.Sum(c => c.Statistics.Processed) == 900);
            seen.Values.Should().OnlyContain(count => count == 1);
            byConsumer.Keys.Should().BeSubsetOf(consumers.Select(c => c.Name));
        }
        finally
        {
            foreach (var consumer in consumers)
            {
                await consumer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Acknowledge_HandledMessages_ProcessingListAndQueueEmpty()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handled = 0;
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync();

        await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 100).Select(i => new Job(i)));

        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 100);
        var processing = bus.Keys.Processing("jobs", consumer.Name);
        await Wait.UntilAsync(async () => await bus.Redis!.ListLengthAsync(processing) == 0, because: "every handled job is acknowledged");
        (await bus.Redis!.ListLengthAsync(bus.Keys.Queue("jobs"))).Should().Be(0);
        (await bus.Redis!.SortedSetScoreAsync(bus.Keys.QueueConsumers("jobs"), consumer.Name)).Should().NotBeNull("a running consumer keeps a heartbeat");
    }

    [Fact]
    public async Task Consume_SeveralPriorities_HigherLevelsServedFirst()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Queues["jobs"] = new QueueOptions { Priorities = 3 });
        foreach (var priority in new[] { 2, 1, 0 })
        {
            await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 10).Select(i => new Job((priority * 100) + i)), new PublishOptions { Priority = priority });
        }

        var order = new ConcurrentQueue<int>();
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .Handle<Job>((c, _) => { order.Enqueue(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => order.Count == 30);
        order.Should().Equal(Enumerable.Range(0, 10).Concat(Enumerable.Range(100, 10)).Concat(Enumerable.Range(200, 10)),
            "level 0 comes first, then 1, then 2, each in publishing order");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public async Task Publish_PriorityOutsideTheLevels_ThrowsAndWritesNothing(int priority)
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Queues["jobs"] = new QueueOptions { Priorities = 2 });

        var publish = async () => await bus.PublishBatchAsync(s_jobs, [new OutgoingMessage<Job>(new Job(1)), new OutgoingMessage<Job>(new Job(2), new PublishOptions { Priority = priority })]);

        await publish.Should().ThrowAsync<ArgumentOutOfRangeException>();
        (await bus.Redis!.ListLengthAsync(bus.Keys.Queue("jobs"))).Should().Be(0, "a batch with an invalid priority is refused whole");
    }

    [Fact]
    public async Task Publish_Delayed_DeliveredNoSoonerThanItsDueTime()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handledAt = new ConcurrentDictionary<int, DateTimeOffset>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((c, _) => { handledAt[c.Message.Number] = TimeProvider.System.GetUtcNow(); return ValueTask.CompletedTask; })
            .StartAsync();
        var delay = TimeSpan.FromSeconds(1);

        var publishedAt = TimeProvider.System.GetUtcNow();
        await bus.PublishAsync(s_jobs, new Job(1), new PublishOptions { Delay = delay });
        (await bus.Redis!.SortedSetLengthAsync(bus.Keys.Delayed("jobs"))).Should().Be(1, "a delayed message waits in the delayed set");
        await bus.PublishAsync(s_jobs, new Job(2));

        await Wait.UntilAsync(() => handledAt.Count == 2, because: "the delayed job is delivered once due");
        handledAt[1].Should().BeOnOrAfter(publishedAt + delay - TimeSpan.FromMilliseconds(1));
        handledAt[2].Should().BeBefore(handledAt[1]);
        (await bus.Redis!.SortedSetLengthAsync(bus.Keys.Delayed("jobs"))).Should().Be(0);
    }

    [Fact]
    public async Task Consume_PlainStringPushedByAnotherClient_HandledAsMessage()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var received = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<string>((c, _) => { received.Add(c.Message); return ValueTask.CompletedTask; })
            .StartAsync();

        // What `redis-cli LPUSH <queue> "resize photo 42"` does.
        await bus.Redis!.ExecuteAsync("LPUSH", bus.Keys.Queue("jobs"), "resize photo 42");

        await Wait.UntilAsync(() => !received.IsEmpty);
        received.Should().Equal("resize photo 42");
        await Wait.UntilAsync(async () => await bus.Redis!.ListLengthAsync(bus.Keys.Processing("jobs", consumer.Name)) == 0);
    }
}
