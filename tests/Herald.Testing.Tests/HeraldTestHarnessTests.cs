using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.TestKit;

namespace Herald.Testing.Tests;

public sealed class HeraldTestHarnessTests
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task WaitForIdleAsync_AfterPublishing_ReturnsOnceEveryMessageIsHandled()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        var handled = 0;
        await using var consumer = await harness.Bus.Consume(s_orders, o => o.StartFrom = "0")
            .Handle<OrderPlaced>(async (_, token) =>
            {
                await Task.Yield();
                Interlocked.Increment(ref handled);
            })
            .StartAsync();

        await harness.Bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 50).Select(i => new OrderPlaced($"o{i}", i)));
        await harness.WaitForIdleAsync();

        Volatile.Read(ref handled).Should().Be(50);
        consumer.Statistics.Processed.Should().Be(50);
    }

    [Fact]
    public async Task WaitForIdleAsync_GroupWithNoRunningConsumer_TimesOutSayingWhatWaits()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        var consumer = await harness.Bus.Consume(s_orders).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await consumer.DisposeAsync();
        await harness.Bus.PublishAsync(s_orders, new OrderPlaced("a", 1));

        var waiting = () => harness.WaitForIdleAsync(TimeSpan.FromMilliseconds(50));

        (await waiting.Should().ThrowAsync<TimeoutException>()).Which.Message.Should().Contain("stream:orders group default: 1 to read");
    }

    [Fact]
    public async Task Published_OfOneType_DecodesOnlyThatType()
    {
        await using var harness = await HeraldTestHarness.StartAsync();

        await harness.Bus.PublishAsync(s_orders, new OrderPlaced("a", 1));
        await harness.Bus.PublishAsync(s_orders, new OrderCancelled("a"));
        await harness.Bus.PublishAsync(s_orders, new OrderPlaced("b", 2));

        harness.Published<OrderPlaced>(s_orders).Should().Equal(new OrderPlaced("a", 1), new OrderPlaced("b", 2));
        harness.Published(s_orders).Should().HaveCount(3);
    }

    [Fact]
    public async Task DeadLetters_MessageWithoutHandler_KeptWithTheReason()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        await using var consumer = await harness.Bus.Consume(s_orders, o => o.StartFrom = "0")
            .Handle<OrderCancelled>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        var published = await harness.Bus.PublishAsync(s_orders, new OrderPlaced("a", 1));
        await harness.WaitForIdleAsync();

        var dead = harness.DeadLetters(s_orders).Single();
        dead.Envelope.Id.Should().Be(published.MessageId);
        dead.Reason.Should().Be(DeadLetterReason.NoHandler);
        dead.Origin.Should().Be(s_orders);
    }

    [Fact]
    public async Task Consume_DelayedRetryOnAFakeClock_WaitsForTheClockToPassTheDelay()
    {
        var clock = new ManualTimeProvider();
        await using var harness = await HeraldTestHarness.StartAsync(o => o.TimeProvider = clock);
        var attempts = new ConcurrentQueue<(int Attempt, DateTimeOffset At)>();
        await using var consumer = await harness.Bus.Consume(s_orders, o =>
            {
                o.StartFrom = "0";
                o.Retry.InProcessRetries = 0;
                o.Retry.DelayedRetryDelay = TimeSpan.FromMinutes(1);
                o.Retry.MaxDelayedRetryDelay = TimeSpan.FromMinutes(1);
            })
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue((context.Attempt, clock.GetUtcNow()));
                return context.Attempt == 1 ? throw new InvalidOperationException("not yet") : ValueTask.CompletedTask;
            })
            .StartAsync();

        await harness.Bus.PublishAsync(s_orders, new OrderPlaced("a", 1));
        await Wait.UntilAsync(() => consumer.Statistics.Retried == 1);
        harness.Transport.WaitingCount(s_orders, "default").Should().Be(1, "the retry is scheduled");

        await Wait.UntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            return attempts.Count == 2;
        }, because: "the retry comes once the clock passes its delay");
        await harness.WaitForIdleAsync();

        var (first, second) = (attempts.First(), attempts.Last());
        second.Attempt.Should().Be(2);
        (second.At - first.At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(45), "the delay is one minute with at most 25 % jitter");
    }

    [Fact]
    public async Task CreateBusAsync_SecondClient_SharesTheTransport()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        var producer = await harness.CreateBusAsync(o => o.Source = "producer");
        var sources = new ConcurrentBag<string?>();
        await using var consumer = await harness.Bus.Consume(Destination.Queue("jobs"))
            .Handle<OrderPlaced>((context, _) => { sources.Add(context.Envelope.Source); return ValueTask.CompletedTask; })
            .StartAsync();

        await producer.PublishAsync(Destination.Queue("jobs"), new OrderPlaced("a", 1));
        await harness.WaitForIdleAsync();

        sources.Should().Equal("producer");
    }

    [Fact]
    public async Task Consume_ChannelHandlerFails_DeadLetteredUnderThePublishedChannel()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        await using var consumer = await harness.Bus.Consume(Destination.Pattern("alerts:*"), o => o.Retry.InProcessRetries = 0)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("pager down"))
            .StartAsync();

        await harness.Bus.PublishAsync(Destination.Channel("alerts:disk"), new OrderPlaced("a", 1));
        await harness.WaitForIdleAsync();

        harness.DeadLetters(Destination.Channel("alerts:disk")).Should().ContainSingle().Which.Info.ErrorMessage.Should().Be("pager down");
        harness.DeadLetters(Destination.Pattern("alerts:*")).Should().ContainSingle();
        consumer.Statistics.DeadLettered.Should().Be(1);
    }
}
