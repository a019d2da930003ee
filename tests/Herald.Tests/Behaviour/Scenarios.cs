using System.Collections.Concurrent;
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
}
