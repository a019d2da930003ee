using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;
using Herald.Tests.Streams;

namespace Herald.Tests.PubSub;

public sealed class PubSubTransportTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task PublishAsync_WithAndWithoutSubscribers_ReportsTheReceiverCount()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var channel = Destination.Channel(fixture.NewPrefix() + "orders");

        var unheard = await bus.PublishAsync(channel, new OrderPlaced("a", 1));
        await using var consumer = await bus.Consume(channel, BusFixture.Fast).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        var heard = await bus.PublishBatchAsync(channel, [new OrderPlaced("b", 2), new OrderPlaced("c", 3)]);

        unheard.Receivers.Should().Be(0);
        unheard.EntryId.Should().BeNull();
        heard.Select(r => r.Receivers).Should().Equal(1L, 1L);
    }

    [Fact]
    public async Task Consume_PlainStringFromRedisCli_HandledAsTheString()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = fixture.NewPrefix() + "greetings";
        var received = new TaskCompletionSource<(string Text, string Channel)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await bus.Consume(Destination.Channel(name), BusFixture.Fast)
            .Handle<string>((context, _) =>
            {
                received.TrySetResult((context.Message, context.Destination.Name));
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        var receivers = await fixture.Server.CliAsync("PUBLISH", name, "hello");

        receivers.Should().Be("1");
        (await received.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(("hello", name));
    }

    [Fact]
    public async Task Consume_SubscriberConnectionKilled_ResubscribesAndReceivesAgain()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var channel = Destination.Channel(fixture.NewPrefix() + "ticks");
        var seen = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(channel, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) => { seen.Add(context.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();
        await bus.PublishAsync(channel, new OrderPlaced("before", 1));
        await Wait.UntilAsync(() => seen.Contains("before"));

        await bus.Redis!.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");

        await Wait.UntilAsync(() => bus.Redis!.Subscriber.ConnectionCount >= 2, because: "the subscriber reconnects");
        await Wait.UntilAsync(async () => (await bus.PublishAsync(channel, new OrderPlaced("after", 2))).Receivers == 1,
            because: "the channel is subscribed again on the new connection");
        await Wait.UntilAsync(() => seen.Contains("after"), because: "messages flow again after the resubscription");
    }

    [Fact]
    public async Task Consume_SlowConsumer_DropsTheOldestAndCountsThemInStatistics()
    {
        var prefix = fixture.NewPrefix();
        var redisOptions = RedisOptions.Parse(fixture.Url);
        redisOptions.SubscriptionBufferSize = 4;
        await using var bus = await fixture.CreateBusAsync(prefix, o => o.RedisOptions = redisOptions);
        var channel = Destination.Channel(prefix + "firehose");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentBag<string>();
        await using var consumer = await bus.Consume(channel, o =>
            {
                BusFixture.Fast(o);
                o.Prefetch = 1;
                o.Concurrency = 1;
            })
            .Handle<OrderPlaced>(async (context, _) =>
            {
                await gate.Task;
                handled.Add(context.Message.OrderId);
            })
            .StartAsync();

        await bus.PublishBatchAsync(channel, Enumerable.Range(0, 50).Select(i => new OrderPlaced($"o{i}", i)));
        await Wait.UntilAsync(() => consumer.Statistics.Dropped > 0, because: "a full buffer drops the oldest and the consumer reports it");
        gate.SetResult();
        await bus.PublishAsync(channel, new OrderPlaced("last", 50));

        await Wait.UntilAsync(() => handled.Contains("last"), because: "the newest messages survive");
        consumer.Statistics.Dropped.Should().BeGreaterThanOrEqualTo(50 - 4 - 1);
    }

    [Fact]
    public async Task Consume_HandlerFailsOnChannelWithReservedCharacters_DeadLetteredOnceWithoutDelayedRetries()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var name = fixture.NewPrefix() + "odd {name} #1";
        var channel = Destination.Channel(name);
        var calls = 0;
        await using var consumer = await bus.Consume(channel, o =>
            {
                BusFixture.Fast(o);
                o.Retry.InProcessRetries = 1;
                o.Retry.InProcessDelay = TimeSpan.Zero;
            })
            .Handle<OrderPlaced>((_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("no stock");
            })
            .StartAsync();

        var published = await bus.PublishAsync(channel, new OrderPlaced("a", 1));

        var dlq = bus.Keys.ChannelDeadLetters(name);
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(dlq) == 1, because: "a failed pub/sub message is kept as a dead letter");
        var entry = (await bus.Redis!.StreamRangeAsync(dlq)).Single();
        entry.GetString("id").Should().Be(published.MessageId);
        entry.GetString("type").Should().Be("test.order.placed");
        entry.GetString("dlq-reason").Should().Be("HandlerFailed");
        entry.GetString("dlq-error").Should().Be("no stock");
        entry.GetString("dlq-origin").Should().Be($"channel:{name}");
        entry.GetString("dlq-origin-id").Should().Be(published.MessageId);
        entry.GetString("dlq-group").Should().Be("default");
        Volatile.Read(ref calls).Should().Be(2, "the in-process retry runs, a delayed retry does not");
        consumer.Statistics.Retried.Should().Be(0);
    }

    [Fact]
    public async Task Consume_UndecodableMessageThroughPattern_DeadLetteredToTheMatchedChannel()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var root = fixture.NewPrefix();
        await using var consumer = await bus.Consume(Destination.Pattern(root + "orders:*"), BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        var frame = """{"specversion":"1.0","id":"bad-1","type":"test.order.placed","datacontenttype":"application/json","data_base64":"bm90IGpzb24="}""";
        await bus.Redis!.PublishAsync(root + "orders:eu", frame);

        var dlq = bus.Keys.ChannelDeadLetters(root + "orders:eu");
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(dlq) == 1, because: "an undecodable message is dead-lettered, never dropped");
        var entry = (await bus.Redis!.StreamRangeAsync(dlq)).Single();
        entry.GetString("id").Should().Be("bad-1");
        entry.GetString("dlq-reason").Should().Be("Undecodable");
        entry.GetString("dlq-origin").Should().Be($"channel:{root}orders:eu");
    }
}
