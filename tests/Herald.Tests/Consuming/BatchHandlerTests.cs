using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Consuming;

public sealed class BatchHandlerTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task HandleBatch_Backlog_FormsBatchesAndAcknowledgesEveryMessage()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 200).Select(i => new OrderPlaced($"o-{i}", i)));
        var sizes = new ConcurrentQueue<int>();
        var handled = new ConcurrentDictionary<string, int>();
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Concurrency = 2; })
            .HandleBatch<OrderPlaced>((batch, _) =>
            {
                sizes.Enqueue(batch.Count);
                foreach (var item in batch)
                {
                    handled.AddOrUpdate(item.Message.OrderId, 1, (_, n) => n + 1);
                }

                return ValueTask.CompletedTask;
            }, maxBatchSize: 50)
            .StartAsync();

        await Wait.UntilAsync(() => handled.Count == 200, because: "every message reaches the batch handler");
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingEntriesAsync(bus.Keys.Stream("orders"), "default", 10)).Count == 0, because: "every message of a successful batch is acknowledged");
        handled.Values.Should().OnlyContain(n => n == 1);
        sizes.Max().Should().BeGreaterThan(1, "a backlog fills batches");
        sizes.Should().OnlyContain(n => n <= 50);
        consumer.Statistics.Processed.Should().Be(200);
        consumer.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task HandleBatch_BatchFails_EachMessageRetriedThenHandled()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o-{i}", i)));
        var handledAt = new ConcurrentDictionary<string, int>();
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .HandleBatch<OrderPlaced>(
                (batch, _) =>
                {
                    if (batch.Any(item => item.Attempt == 1))
                    {
                        throw new InvalidOperationException("first attempts fail");
                    }

                    foreach (var item in batch)
                    {
                        handledAt[item.Message.OrderId] = item.Attempt;
                    }

                    return ValueTask.CompletedTask;
                },
                maxWait: TimeSpan.FromMilliseconds(100))
            .StartAsync();

        await Wait.UntilAsync(() => handledAt.Count == 3, because: "each message of the failed batch is retried");
        handledAt.Values.Should().OnlyContain(attempt => attempt == 2);
        consumer.Statistics.Retried.Should().Be(3);
        consumer.Statistics.DeadLettered.Should().Be(0);
    }

    [Fact]
    public async Task HandleBatch_UndecodableMessageInBacklog_DeadLetteredAndTheRestHandledInOneBatch()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var stream = bus.Keys.Stream("orders");
        await bus.PublishAsync(s_orders, new OrderPlaced("first", 1));
        await bus.Redis!.ExecuteAsync("XADD", stream, "*", "id", "bad-json", "type", "test.order.placed", "datacontenttype", "application/json", "data", "{not json");
        await bus.PublishAsync(s_orders, new OrderPlaced("second", 2));
        var batches = new ConcurrentQueue<string[]>();
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .HandleBatch<OrderPlaced>(
                (batch, _) =>
                {
                    batches.Enqueue([.. batch.Select(item => item.Message.OrderId)]);
                    return ValueTask.CompletedTask;
                },
                maxWait: TimeSpan.FromMilliseconds(500))
            .StartAsync();

        var dead = await BusFixture.DeadLetterAsync(bus, "orders");
        dead.GetString("dlq-reason").Should().Be("Undecodable");
        await Wait.UntilAsync(() => batches.Sum(b => b.Length) == 2);
        batches.Should().ContainSingle().Which.Should().Equal("first", "second");
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingEntriesAsync(stream, "default", 10)).Count == 0);
    }

    [Fact]
    public async Task HandleBatch_BatchRunsPastHandlerTimeout_TokenCancelledAndEachMessageRetried()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 2).Select(i => new OrderPlaced($"o-{i}", i)));
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handledAt = new ConcurrentDictionary<string, int>();
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Concurrency = 1; o.HandlerTimeout = TimeSpan.FromMilliseconds(200); })
            .HandleBatch<OrderPlaced>(
                async (batch, token) =>
                {
                    if (batch.Any(item => item.Attempt == 1))
                    {
                        using var registration = token.Register(cancelled.SetResult);
                        await Task.Delay(Timeout.Infinite, token);
                    }

                    foreach (var item in batch)
                    {
                        handledAt[item.Message.OrderId] = item.Attempt;
                    }
                },
                maxWait: TimeSpan.FromMilliseconds(100))
            .StartAsync();

        await Wait.UntilAsync(() => handledAt.Count == 2, because: "a timed-out batch is retried message by message");
        cancelled.Task.IsCompleted.Should().BeTrue("the batch handler's token is cancelled at the deadline");
        handledAt.Values.Should().OnlyContain(attempt => attempt == 2);
        consumer.Statistics.Retried.Should().Be(2);
    }

    [Fact]
    public async Task HandleBatch_BatchHandlerObject_ReceivesTheMessages()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handler = new CountingBatchHandler();
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast).HandleBatch(handler).StartAsync();

        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"o-{i}", i)));

        await Wait.UntilAsync(() => Volatile.Read(ref handler.Count) == 5);
    }

    private sealed class CountingBatchHandler : IBatchMessageHandler<OrderPlaced>
    {
        public int Count;

        public ValueTask HandleAsync(IReadOnlyList<MessageContext<OrderPlaced>> batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref Count, batch.Count);
            return ValueTask.CompletedTask;
        }
    }
}
