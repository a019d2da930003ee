using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.TestKit;
using Herald.Tests.Streams;

namespace Herald.Tests.Behaviour;

/// <summary>Scenarios that reliable destinations (streams and queues) share, run by both suites.</summary>
internal static class Scenarios
{
    /// <summary>A handler that always fails: the message is tried <paramref name="maxDeliveries"/> times, then dead-lettered with the reason.</summary>
    public static async Task HandlerAlwaysFailsAsync(BusUnderTest under, Destination destination, int maxDeliveries)
    {
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = maxDeliveries;
            })
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                throw new InvalidOperationException("cannot handle");
            })
            .StartAsync();

        var published = await under.Bus.PublishAsync(destination, new OrderPlaced("poison", 1));

        await Wait.UntilAsync(async () => (await under.DeadLettersAsync(destination)).Count == 1, because: "the message is dead-lettered after its last delivery");
        (await under.DeadLettersAsync(destination)).Single().Should().Be(new DeadLetterRecord(published.MessageId, "HandlerFailed", "cannot handle", maxDeliveries, destination.ToString()));
        attempts.Should().Equal(Enumerable.Range(1, maxDeliveries));
    }

    /// <summary>A dead-letter observer hears of each message the consumer dead-letters, with the reason and attempts, after it is stored.</summary>
    public static async Task DeadLetterObserverAsync(BusUnderTest under, Destination destination)
    {
        var heard = new ConcurrentQueue<(string Id, DeadLetterReason Reason, int Attempts, int StoredBefore)>();
        await using var consumer = await under.Bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 2;
            })
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("cannot handle"))
            .OnDeadLettered(async (message, _) => heard.Enqueue((message.Envelope.Id, message.Reason, message.Attempts, (await under.DeadLettersAsync(destination)).Count)))
            .StartAsync();

        var failing = await under.Bus.PublishAsync(destination, new OrderPlaced("poison", 1));
        var unknown = await under.Bus.PublishAsync(destination, new OrderPlaced("stray", 2), new PublishOptions { Type = "no.such.type" });

        await Wait.UntilAsync(() => heard.Count == 2, because: "both dead letters are announced");
        heard.Select(static h => (h.Id, h.Reason, h.Attempts)).Should().BeEquivalentTo([(failing.MessageId, DeadLetterReason.HandlerFailed, 2), (unknown.MessageId, DeadLetterReason.NoHandler, 1)]);
        heard.Should().OnlyContain(static h => h.StoredBefore >= 1, "the observer runs after the dead letter is stored");
    }

    /// <summary>A handler defers a message twice: it comes back each time without spending an attempt, then succeeds.</summary>
    public static async Task HandlerDefersAsync(BusUnderTest under, Destination destination)
    {
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(destination, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                if (attempts.Count <= 2)
                {
                    throw new DeferMessageException(TimeSpan.FromMilliseconds(20), "not yet");
                }

                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await under.Bus.PublishAsync(destination, new OrderPlaced("later", 1));

        await Wait.UntilAsync(() => consumer.Statistics.Processed == 1, because: "the message is handled once it stops deferring");
        attempts.Should().Equal(1, 1, 1);
        consumer.Statistics.Deferred.Should().Be(2);
        consumer.Statistics.Failed.Should().Be(0);
        (await under.DeadLettersAsync(destination)).Should().BeEmpty();
    }

    /// <summary>A handler rejects a message: it is dead-lettered at once, with the reason, and never retried.</summary>
    public static async Task HandlerRejectsAsync(BusUnderTest under, Destination destination)
    {
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 5;
            })
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                throw new RejectMessageException("order is for a closed shop");
            })
            .StartAsync();

        var published = await under.Bus.PublishAsync(destination, new OrderPlaced("closed", 1));

        await Wait.UntilAsync(async () => (await under.DeadLettersAsync(destination)).Count == 1, because: "a rejected message is dead-lettered at once");
        (await under.DeadLettersAsync(destination)).Single().Should().Be(new DeadLetterRecord(published.MessageId, "Rejected", "order is for a closed shop", 1, destination.ToString()));
        attempts.Should().Equal(1);
    }

    /// <summary>A handler lowers the message's own delivery limit through its context: the message is dead-lettered at that limit.</summary>
    public static async Task HandlerOverridesDeliveryLimitAsync(BusUnderTest under, Destination destination)
    {
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await under.Bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 10;
                o.Retry.DelayedRetryDelay = TimeSpan.FromSeconds(30);
                o.Retry.MaxDelayedRetryDelay = TimeSpan.FromSeconds(30);
            })
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                context.Context.MaxDeliveries = 2;
                context.Context.RetryDelay = TimeSpan.FromMilliseconds(10);
                throw new InvalidOperationException("still failing");
            })
            .StartAsync();

        var published = await under.Bus.PublishAsync(destination, new OrderPlaced("own-limit", 1));

        await Wait.UntilAsync(async () => (await under.DeadLettersAsync(destination)).Count == 1, because: "the message's own limit of two deliveries applies, after its own short delay");
        (await under.DeadLettersAsync(destination)).Single().Should().Be(new DeadLetterRecord(published.MessageId, "HandlerFailed", "still failing", 2, destination.ToString()));
        attempts.Should().Equal(1, 2);
    }
}
