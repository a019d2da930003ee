using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Herald.Consuming;
using Herald.TestKit;
using Herald.Tests.Streams;

namespace Herald.Tests.Behaviour;

/// <summary>
/// How the bus behaves for streams, channels and patterns, whatever carries it: every test runs against
/// real Redis (<see cref="RedisBusBehaviourTests"/>) and against the in-memory transport of Herald.Testing
/// (<see cref="InMemoryBusBehaviourTests"/>), so the in-memory one cannot drift from the real thing.
/// </summary>
public abstract class BusBehaviourTests
{
    /// <summary>Starts a bus of this test's own.</summary>
    protected abstract Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "");

    [Fact]
    public async Task Stream_MessagesHandledAndAcknowledged_EachHandledOnceAndNothingPending()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var seen = new ConcurrentDictionary<string, int>();
        await using var consumer = await under.Bus.Consume(orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) =>
            {
                seen.AddOrUpdate(context.Message.OrderId, 1, static (_, n) => n + 1);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await under.Bus.PublishBatchAsync(orders, Enumerable.Range(0, 200).Select(i => new OrderPlaced($"o{i}", i)));

        await Wait.UntilAsync(() => seen.Count == 200, because: "every message is handled");
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 0, because: "every handled message is acknowledged");
        seen.Values.Should().OnlyContain(count => count == 1);
        (await under.DeadLettersAsync(orders)).Should().BeEmpty();
    }

    [Fact]
    public async Task Stream_BatchHandlerOverBacklog_BatchesFormAndEverythingIsAcknowledged()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        await under.Bus.PublishBatchAsync(orders, Enumerable.Range(0, 100).Select(i => new OrderPlaced($"o{i}", i)));
        var sizes = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(orders, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .HandleBatch<OrderPlaced>((batch, _) =>
            {
                sizes.Enqueue(batch.Count);
                return ValueTask.CompletedTask;
            }, maxBatchSize: 20)
            .StartAsync();

        await Wait.UntilAsync(() => sizes.Sum() == 100, because: "every message reaches the batch handler");
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 0, because: "a successful batch is acknowledged");
        sizes.Max().Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task Stream_ReadAllLoopBreaks_EarlierItemsAcknowledgedAndTheHeldOnePending()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        await under.Bus.PublishBatchAsync(orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o{i}", i)));
        var read = new List<string>();

        await foreach (var item in under.Bus.ReadAllAsync<OrderPlaced>(orders, BusFixture.Fast))
        {
            read.Add(item.Message.OrderId);
            if (read.Count == 3)
            {
                break;
            }
        }

        read.Should().Equal("o0", "o1", "o2");
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 1, because: "only the item held at the break stays unacknowledged");
    }

    [Fact]
    public async Task Stream_TwoConsumersInOneGroup_SplitTheWorkWithoutDuplicates()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var handledBy = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var bothBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each consumer holds one message at a time, and the first ones wait until both consumers have one:
        // the work can only be split.
        async ValueTask Handle(MessageContext<OrderPlaced> context, CancellationToken token)
        {
            handledBy.GetOrAdd(context.Context.Consumer, static _ => []).Add(context.Message.OrderId);
            if (handledBy.Count == 2)
            {
                bothBusy.TrySetResult();
            }

            await bothBusy.Task.WaitAsync(Wait.DefaultTimeout, token);
        }

        await using var first = await under.Bus.Consume(orders, o => OneAtATime(o, "first")).Handle<OrderPlaced>(Handle).StartAsync();
        await using var second = await under.Bus.Consume(orders, o => OneAtATime(o, "second")).Handle<OrderPlaced>(Handle).StartAsync();

        await under.Bus.PublishBatchAsync(orders, Enumerable.Range(0, 40).Select(i => new OrderPlaced($"o{i}", i)));

        await Wait.UntilAsync(() => handledBy.Values.Sum(static b => b.Count) >= 40, because: "the group handles every message");
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 0);
        handledBy.Keys.Should().BeEquivalentTo("first", "second");
        handledBy.Values.SelectMany(static b => b).Should().OnlyHaveUniqueItems().And.HaveCount(40);
    }

    [Fact]
    public async Task Stream_TwoGroups_EachGroupGetsEveryMessage()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var billing = new ConcurrentBag<string>();
        var shipping = new ConcurrentBag<string>();
        await using var billingConsumer = await under.Bus.Consume(orders, o => InGroup(o, "billing"))
            .Handle<OrderPlaced>((c, _) => { billing.Add(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();
        await using var shippingConsumer = await under.Bus.Consume(orders, o => InGroup(o, "shipping"))
            .Handle<OrderPlaced>((c, _) => { shipping.Add(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();

        await under.Bus.PublishBatchAsync(orders, Enumerable.Range(0, 30).Select(i => new OrderPlaced($"o{i}", i)));

        await Wait.UntilAsync(() => billing.Count == 30 && shipping.Count == 30, because: "each group gets every message");
        billing.Should().OnlyHaveUniqueItems();
        shipping.Should().BeEquivalentTo(billing);
    }

    [Fact]
    public async Task Stream_OneGroupRetries_OtherGroupGetsTheMessageOnlyOnce()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var billingAttempts = new ConcurrentQueue<int>();
        var shipping = new ConcurrentQueue<string>();
        await using var billingConsumer = await under.Bus.Consume(orders, o => InGroup(o, "billing"))
            .Handle<OrderPlaced>((c, _) =>
            {
                billingAttempts.Enqueue(c.Attempt);
                return c.Attempt < 3 ? throw new InvalidOperationException("billing is down") : ValueTask.CompletedTask;
            })
            .StartAsync();
        await using var shippingConsumer = await under.Bus.Consume(orders, o => InGroup(o, "shipping"))
            .Handle<OrderPlaced>((c, _) => { shipping.Enqueue(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();

        await under.Bus.PublishAsync(orders, new OrderPlaced("a", 1));

        await Wait.UntilAsync(() => billingConsumer.Statistics.Processed == 1, because: "billing succeeds on its third attempt");
        billingAttempts.Should().Equal(1, 2, 3);
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "shipping") == 0 && shipping.Count == 1);
        shipping.Should().Equal(["a"], "a retry belongs to the group that failed, not to every group");
    }

    [Fact]
    public async Task Stream_HandlerFailsOnce_RedeliveredWithTheAttemptRaised()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                return context.Attempt == 1 ? throw new InvalidOperationException("first try fails") : ValueTask.CompletedTask;
            })
            .StartAsync();

        await under.Bus.PublishAsync(orders, new OrderPlaced("a", 1));

        await Wait.UntilAsync(() => consumer.Statistics.Processed == 1, because: "the retry succeeds");
        attempts.Should().Equal(1, 2);
        consumer.Statistics.Retried.Should().Be(1);
        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 0);
        (await under.DeadLettersAsync(orders)).Should().BeEmpty();
    }

    [Fact]
    public async Task Stream_HandlerAlwaysFails_DeadLetteredAfterMaxDeliveriesWithTheReason()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));

        await Scenarios.HandlerAlwaysFailsAsync(under, orders, maxDeliveries: 3);

        await Wait.UntilAsync(async () => await under.PendingAsync(orders, "default") == 0);
    }

    [Fact]
    public async Task Channel_ThreeConsumersInTwoGroups_EachGetsEveryMessage()
    {
        await using var under = await StartAsync();
        var news = Destination.Channel(under.Name("news"));
        var received = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var consumers = new List<Consumer>();
        foreach (var (group, name) in new[] { ("a", "a1"), ("a", "a2"), ("b", "b1") })
        {
            consumers.Add(await under.Bus.Consume(news, o =>
                {
                    InGroup(o, group);
                    o.ConsumerName = name;
                })
                .Handle<OrderPlaced>((c, _) => { received.GetOrAdd(name, static _ => []).Add(c.Message.OrderId); return ValueTask.CompletedTask; })
                .StartAsync());
        }

        await under.Bus.PublishBatchAsync(news, Enumerable.Range(0, 20).Select(i => new OrderPlaced($"n{i}", i)));

        await Wait.UntilAsync(() => received.Count == 3 && received.Values.All(static r => r.Count == 20), because: "pub/sub fans out to every consumer, whatever its group");
        received.Values.Should().AllSatisfy(r => r.Should().BeEquivalentTo(Enumerable.Range(0, 20).Select(i => $"n{i}")));
        foreach (var consumer in consumers)
        {
            await consumer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pattern_MessagesOnSeveralChannels_ReceivesMatchingChannelsOnly()
    {
        await using var under = await StartAsync();
        var received = new ConcurrentQueue<(string Channel, string OrderId)>();
        await using var consumer = await under.Bus.Consume(Destination.Pattern(under.Name("shop:*:placed")), o =>
            {
                BusFixture.Fast(o);
                o.Concurrency = 1;
            })
            .Handle<OrderPlaced>((c, _) => { received.Enqueue((c.Destination.Name, c.Message.OrderId)); return ValueTask.CompletedTask; })
            .StartAsync();

        await under.Bus.PublishAsync(Destination.Channel(under.Name("shop:eu:placed")), new OrderPlaced("eu", 1));
        await under.Bus.PublishAsync(Destination.Channel(under.Name("shop:eu:cancelled")), new OrderPlaced("cancelled", 2));
        await under.Bus.PublishAsync(Destination.Channel(under.Name("other:eu:placed")), new OrderPlaced("other", 3));
        await under.Bus.PublishAsync(Destination.Channel(under.Name("shop:us:placed")), new OrderPlaced("us", 4));

        // Delivery keeps publishing order, so once the last matching message is in, nothing else can follow.
        await Wait.UntilAsync(() => received.Any(static r => r.OrderId == "us"));
        received.Should().Equal((under.Name("shop:eu:placed"), "eu"), (under.Name("shop:us:placed"), "us"));
    }

    [Fact]
    public async Task Channel_HandlerFails_DeadLetteredOnceWithoutDelayedRetries()
    {
        await using var under = await StartAsync();
        var alerts = Destination.Channel(under.Name("alerts"));
        await using var consumer = await under.Bus.Consume(alerts, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("pager down"))
            .StartAsync();

        var published = await under.Bus.PublishAsync(alerts, new OrderPlaced("a", 1));

        await Wait.UntilAsync(async () => (await under.DeadLettersAsync(alerts)).Count == 1, because: "a failed pub/sub message is kept as a dead letter");
        (await under.DeadLettersAsync(alerts)).Single().Should().Be(new DeadLetterRecord(published.MessageId, "HandlerFailed", "pager down", 1, alerts.ToString()));
        consumer.Statistics.Retried.Should().Be(0);
    }

    [Fact]
    public async Task Stream_HandlerHoldsMessagePastVisibilityTimeout_NotReclaimedByAnotherConsumer()
    {
        await using var under = await StartAsync();
        var orders = Destination.Stream(under.Name("orders"));
        var calls = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Slow(ConsumerOptions o)
        {
            BusFixture.Fast(o);
            // The hold is extended at half the visibility timeout by maintenance running every quarter of
            // it; two seconds leave half a second for a late maintenance pass on a loaded two-core machine.
            o.VisibilityTimeout = TimeSpan.FromSeconds(2);
            o.HandlerTimeout = Timeout.InfiniteTimeSpan;
        }

        async ValueTask Handle(MessageContext<OrderPlaced> _, CancellationToken token)
        {
            Interlocked.Increment(ref calls);
            await gate.Task.WaitAsync(token);
        }

        await using var first = await under.Bus.Consume(orders, Slow).Handle<OrderPlaced>(Handle).StartAsync();
        await using var second = await under.Bus.Consume(orders, Slow).Handle<OrderPlaced>(Handle).StartAsync();
        await under.Bus.PublishAsync(orders, new OrderPlaced("slow", 1));
        await Wait.UntilAsync(() => Volatile.Read(ref calls) == 1, because: "one consumer takes the message");

        // Maintenance runs every 500 ms here: eight passes of each are two visibility timeouts.
        var (firstTarget, secondTarget) = (first.MaintenanceCycles + 8, second.MaintenanceCycles + 8);
        await Wait.UntilAsync(() => first.MaintenanceCycles >= firstTarget && second.MaintenanceCycles >= secondTarget, because: "both consumers' maintenance ran for two visibility timeouts");
        gate.SetResult();

        await Wait.UntilAsync(() => first.Statistics.Processed + second.Statistics.Processed >= 1, because: "the held message finishes");
        Volatile.Read(ref calls).Should().Be(1, "a message still being handled is kept from looking stalled");
        (await under.DeadLettersAsync(orders)).Should().BeEmpty();
    }

    private static void InGroup(ConsumerOptions options, string group)
    {
        BusFixture.Fast(options);
        options.Group = group;
    }

    private static void OneAtATime(ConsumerOptions options, string name)
    {
        BusFixture.Fast(options);
        options.ConsumerName = name;
        options.Prefetch = 1;
        options.Concurrency = 1;
    }
}

public sealed class RedisBusBehaviourTests(BusFixture fixture) : BusBehaviourTests, IClassFixture<BusFixture>
{
    protected override Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "") =>
        RedisBusUnderTest.StartAsync(fixture, test, configure);

    [Fact]
    public async Task Stream_HandlerDefers_RedeliveredWithoutSpendingAnAttempt()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerDefersAsync(under, Destination.Stream(under.Name("orders")));
    }

    [Fact]
    public async Task Stream_HandlerRejects_DeadLetteredAtOnceAsRejected()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerRejectsAsync(under, Destination.Stream(under.Name("orders")));
    }

    [Fact]
    public async Task Stream_HandlerSetsItsOwnDeliveryLimit_DeadLetteredAtThatLimit()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerOverridesDeliveryLimitAsync(under, Destination.Stream(under.Name("orders")));
    }
}

public sealed class InMemoryBusBehaviourTests : BusBehaviourTests
{
    protected override Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "") =>
        InMemoryBusUnderTest.StartAsync(test, configure);
}
