using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Herald.TestKit;
using Herald.Tests.Streams;

namespace Herald.Tests.Behaviour;

/// <summary>
/// How reliable queues behave, whatever carries them: every test runs against real Redis
/// (<see cref="RedisQueueBehaviourTests"/>) and against the in-memory transport of Herald.Testing
/// (<see cref="InMemoryQueueBehaviourTests"/>).
/// </summary>
public abstract class QueueBehaviourTests
{
    /// <summary>Starts a bus of this test's own.</summary>
    protected abstract Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "");

    [Fact]
    public async Task Queue_TwoConsumersInDifferentGroups_EachMessageHandledByExactlyOne()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var handledBy = new ConcurrentDictionary<string, string>();
        var duplicates = 0;
        ValueTask Handle(string consumer, string orderId)
        {
            if (!handledBy.TryAdd(orderId, consumer))
            {
                Interlocked.Increment(ref duplicates);
            }

            return ValueTask.CompletedTask;
        }

        await using var first = await under.Bus.Consume(jobs, o => { BusFixture.Fast(o); o.Group = "a"; })
            .Handle<OrderPlaced>((c, _) => Handle("first", c.Message.OrderId)).StartAsync();
        await using var second = await under.Bus.Consume(jobs, o => { BusFixture.Fast(o); o.Group = "b"; })
            .Handle<OrderPlaced>((c, _) => Handle("second", c.Message.OrderId)).StartAsync();

        await under.Bus.PublishBatchAsync(jobs, Enumerable.Range(0, 100).Select(i => new OrderPlaced($"j{i}", i)));

        await Wait.UntilAsync(() => handledBy.Count == 100, because: "every job is handled");
        await Wait.UntilAsync(() => first.Statistics.Processed + second.Statistics.Processed == 100);
        Volatile.Read(ref duplicates).Should().Be(0, "a queue gives each message to one consumer, groups or not");
    }

    [Fact]
    public async Task Queue_HigherPriorityPublishedLater_HandledFirst()
    {
        await using var under = await StartAsync(o => o.DefaultQueue.Priorities = 3);
        var jobs = Destination.Queue(under.Name("jobs"));
        await under.Bus.PublishAsync(jobs, new OrderPlaced("low", 1), new PublishOptions { Priority = 2 });
        await under.Bus.PublishAsync(jobs, new OrderPlaced("normal", 2), new PublishOptions { Priority = 1 });
        await under.Bus.PublishAsync(jobs, new OrderPlaced("urgent", 3), new PublishOptions { Priority = 0 });
        var order = new ConcurrentQueue<string>();

        await using var consumer = await under.Bus.Consume(jobs, o =>
            {
                BusFixture.Fast(o);
                o.Prefetch = 1;
                o.Concurrency = 1;
            })
            .Handle<OrderPlaced>((c, _) => { order.Enqueue(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => order.Count == 3);
        order.Should().Equal("urgent", "normal", "low");
    }

    [Fact]
    public async Task Queue_DelayedMessage_HandledNoSoonerThanItsDelay()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var handled = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        await using var consumer = await under.Bus.Consume(jobs, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => { handled.TrySetResult(clock.Elapsed); return ValueTask.CompletedTask; })
            .StartAsync();

        await under.Bus.PublishAsync(jobs, new OrderPlaced("later", 1), new PublishOptions { Delay = TimeSpan.FromMilliseconds(300) });

        (await handled.Task.WaitAsync(Wait.DefaultTimeout)).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Queue_HandlerAlwaysFails_DeadLetteredAfterMaxDeliveriesWithTheReason()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerAlwaysFailsAsync(under, Destination.Queue(under.Name("jobs")), maxDeliveries: 2);
    }

    [Fact]
    public async Task Queue_HandlerDefers_RedeliveredWithoutSpendingAnAttempt()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerDefersAsync(under, Destination.Queue(under.Name("jobs")));
    }

    [Fact]
    public async Task Queue_HandlerRejects_DeadLetteredAtOnceAsRejected()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerRejectsAsync(under, Destination.Queue(under.Name("jobs")));
    }

    [Fact]
    public async Task Queue_HandlerSetsItsOwnDeliveryLimit_DeadLetteredAtThatLimit()
    {
        await using var under = await StartAsync();

        await Scenarios.HandlerOverridesDeliveryLimitAsync(under, Destination.Queue(under.Name("jobs")));
    }
}

public sealed class InMemoryQueueBehaviourTests : QueueBehaviourTests
{
    protected override Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "") =>
        InMemoryBusUnderTest.StartAsync(test, configure);
}

public sealed class RedisQueueBehaviourTests(BusFixture fixture) : QueueBehaviourTests, IClassFixture<BusFixture>
{
    protected override Task<BusUnderTest> StartAsync(Action<HeraldOptions>? configure = null, [CallerMemberName] string test = "") =>
        RedisBusUnderTest.StartAsync(fixture, test, configure);
}
