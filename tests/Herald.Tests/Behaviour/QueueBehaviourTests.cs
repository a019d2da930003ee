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
    public async Task PublishAsync_SameIdWithinUniqueWindow_SecondDroppedAndReportedAsDuplicate()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var unique = new PublishOptions { Id = "report-1", UniqueFor = TimeSpan.FromMinutes(5) };

        var first = await under.Bus.PublishAsync(jobs, new OrderPlaced("first", 1), unique);
        var second = await under.Bus.PublishAsync(jobs, new OrderPlaced("second", 2), unique);
        var other = await under.Bus.PublishAsync(jobs, new OrderPlaced("other", 3), unique with { Id = "report-2" });
        var plain = await under.Bus.PublishAsync(jobs, new OrderPlaced("plain", 4), new PublishOptions { Id = "report-1" });

        first.Duplicate.Should().BeFalse();
        second.Should().Be(new PublishResult("report-1", null, null) { Duplicate = true });
        other.Duplicate.Should().BeFalse("another id is not a duplicate");
        plain.Duplicate.Should().BeFalse("a publish without UniqueFor is never checked");
        var handled = new ConcurrentQueue<string>();
        await using var consumer = await under.Bus.Consume(jobs, BusFixture.Fast)
            .Handle<OrderPlaced>((c, _) => { handled.Enqueue(c.Message.OrderId); return ValueTask.CompletedTask; })
            .StartAsync();
        await Wait.UntilAsync(() => handled.Count == 3, because: "the three messages that were published are handled");
        await Wait.UntilAsync(async () => await under.WaitingAsync(jobs) == 0, because: "nothing else was queued");
        handled.Should().BeEquivalentTo(["first", "other", "plain"]);
    }

    [Fact]
    public async Task PublishAsync_SameIdAfterUniqueWindow_Accepted()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var unique = new PublishOptions { Id = "tick", UniqueFor = TimeSpan.FromMilliseconds(200) };
        (await under.Bus.PublishAsync(jobs, new OrderPlaced("first", 1), unique)).Duplicate.Should().BeFalse();

        // Every attempt inside the window is dropped; the first one after it is published.
        await Wait.UntilAsync(async () => !(await under.Bus.PublishAsync(jobs, new OrderPlaced("again", 2), unique)).Duplicate,
            because: "the window ends and the id may be published again");

        (await under.WaitingAsync(jobs)).Should().Be(2);
    }

    [Fact]
    public async Task PublishAsync_DelayedUniqueMessage_DuplicatesDroppedAndItIsHandledAfterItsDelay()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var unique = new PublishOptions { Id = "later", UniqueFor = TimeSpan.FromMinutes(5), Delay = TimeSpan.FromMilliseconds(300) };
        var clock = Stopwatch.StartNew();

        var first = await under.Bus.PublishAsync(jobs, new OrderPlaced("later", 1), unique);
        var delayedAgain = await under.Bus.PublishAsync(jobs, new OrderPlaced("later", 1), unique);
        var immediateAgain = await under.Bus.PublishAsync(jobs, new OrderPlaced("now", 2), unique with { Delay = null });

        first.Duplicate.Should().BeFalse();
        delayedAgain.Duplicate.Should().BeTrue();
        immediateAgain.Duplicate.Should().BeTrue("the window is the id's, whether the message waits or not");
        (await under.WaitingAsync(jobs)).Should().Be(1);
        var handled = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await under.Bus.Consume(jobs, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => { handled.TrySetResult(clock.Elapsed); return ValueTask.CompletedTask; })
            .StartAsync();
        (await handled.Task.WaitAsync(Wait.DefaultTimeout)).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        consumer.Statistics.Processed.Should().Be(1);
    }

    [Fact]
    public async Task PublishBatchAsync_SameUniqueIdTwiceInOneBatch_SecondIsDuplicate()
    {
        await using var under = await StartAsync();
        var jobs = Destination.Queue(under.Name("jobs"));
        var unique = new PublishOptions { Id = "once", UniqueFor = TimeSpan.FromMinutes(5) };

        var results = await under.Bus.PublishBatchAsync(jobs,
        [
            new OutgoingMessage<OrderPlaced>(new OrderPlaced("a", 1), unique),
            new OutgoingMessage<OrderPlaced>(new OrderPlaced("b", 2)),
            new OutgoingMessage<OrderPlaced>(new OrderPlaced("c", 3), unique),
        ]);

        results.Select(r => r.Duplicate).Should().Equal(false, false, true);
        (await under.WaitingAsync(jobs)).Should().Be(2);
    }

    [Fact]
    public async Task PublishAsync_UniqueForWithoutIdOrOnAStream_ThrowsArgumentException()
    {
        await using var under = await StartAsync();
        var window = TimeSpan.FromMinutes(1);

        var withoutId = () => under.Bus.PublishAsync(Destination.Queue(under.Name("jobs")), new OrderPlaced("x", 1), new PublishOptions { UniqueFor = window }).AsTask();
        var onStream = () => under.Bus.PublishAsync(Destination.Stream(under.Name("orders")), new OrderPlaced("x", 1), new PublishOptions { Id = "x", UniqueFor = window }).AsTask();
        var onChannel = () => under.Bus.PublishAsync(Destination.Channel(under.Name("news")), new OrderPlaced("x", 1), new PublishOptions { Id = "x", UniqueFor = window }).AsTask();
        var sharedOptions = () => under.Bus.PublishBatchAsync(Destination.Queue(under.Name("jobs")), [new OrderPlaced("x", 1)], new PublishOptions { Id = "x", UniqueFor = window }).AsTask();

        (await withoutId.Should().ThrowAsync<ArgumentException>()).WithMessage("*needs an Id*");
        (await onStream.Should().ThrowAsync<ArgumentException>()).WithMessage("*queues only*");
        (await onChannel.Should().ThrowAsync<ArgumentException>()).WithMessage("*queues only*");
        (await sharedOptions.Should().ThrowAsync<ArgumentException>()).WithMessage("*needs an Id*", "a batch sharing options cannot share one id");
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

    [Fact]
    public async Task Queue_MessagesDeadLettered_ObserverHearsEachWithItsReason()
    {
        await using var under = await StartAsync();

        await Scenarios.DeadLetterObserverAsync(under, Destination.Queue(under.Name("jobs")));
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
