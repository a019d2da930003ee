using Herald.Consuming;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Consuming;

public sealed class ConsumerLifecycleTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task StopAsync_StartedConsumer_NoLongerListedByTheClient()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var consumer = await bus.Consume(s_orders, BusFixture.Fast).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        bus.Consumers.Should().Contain(consumer);

        await consumer.StopAsync();

        bus.Consumers.Should().NotContain(consumer, "the client lists the consumers it started and that have not stopped");
        await consumer.DisposeAsync();
    }

    [Fact]
    public async Task StopAsync_HandlerPastStopTimeout_TokenCancelledAndMessageLeftPendingWithoutSpendingARetry()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.StopTimeout = TimeSpan.FromMilliseconds(100); })
            .Handle<OrderPlaced>(async (_, cancellationToken) =>
            {
                started.TrySetResult();
                using var registration = cancellationToken.Register(cancelled.SetResult);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            })
            .StartAsync();
        var published = await bus.PublishAsync(s_orders, new OrderPlaced("long", 1));
        await started.Task.WaitAsync(Wait.DefaultTimeout);

        await consumer.DisposeAsync();

        cancelled.Task.IsCompleted.Should().BeTrue("the handler's token is cancelled when the stop timeout passes");
        consumer.Statistics.Failed.Should().Be(0);
        (await bus.Redis!.StreamPendingEntriesAsync(bus.Keys.Stream("orders"), "default", 10)).Should().ContainSingle().Which.Id.Should().Be(published.EntryId);
        (await bus.Redis!.SortedSetLengthAsync(bus.Keys.Retries("orders", "default"))).Should().Be(0);
    }
}
