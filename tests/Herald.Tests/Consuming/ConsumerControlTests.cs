using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.Keys;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Consuming;

public sealed class ConsumerControlTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    private static CircuitBreakerSettings OpensAfterTwoFailures(TimeSpan sampling) => new()
    {
        MinimumThroughput = 2,
        FailureRatio = 0.5,
        SamplingDuration = sampling,
        BreakDuration = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Pause_WhileHandling_InFlightFinishesAndNothingNewIsFetchedUntilResume()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentQueue<string>();
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast)
            .Handle<OrderPlaced>(async (c, _) =>
            {
                started.TrySetResult();
                await gate.Task;
                handled.Enqueue(c.Message.OrderId);
            })
            .StartAsync();
        await bus.PublishAsync(s_orders, new OrderPlaced("in-flight", 1));
        await started.Task.WaitAsync(Wait.DefaultTimeout);

        consumer.Pause();
        gate.SetResult();

        await Wait.UntilAsync(() => handled.Count == 1, because: "pausing lets in-flight work finish");
        consumer.State.Should().Be(ConsumerState.Paused);
        await WaitCyclesAsync(consumer, 2);
        await bus.PublishAsync(s_orders, new OrderPlaced("later", 2));
        await WaitCyclesAsync(consumer, 3);
        handled.Should().Equal("in-flight");

        consumer.Resume();

        await Wait.UntilAsync(() => handled.Count == 2, because: "resuming fetches again");
        consumer.State.Should().Be(ConsumerState.Running);
    }

    [Fact]
    public async Task ClusterPause_PausedFieldSetForTheGroup_EveryConsumerOfTheGroupStopsUntilDeleted()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handled = 0;
        ValueTask Count(MessageContext<OrderPlaced> c, CancellationToken _)
        {
            Interlocked.Increment(ref handled);
            return ValueTask.CompletedTask;
        }

        await using var first = await bus.Consume(s_orders, BusFixture.Fast).Handle<OrderPlaced>(Count).StartAsync();
        await using var second = await bus.Consume(s_orders, BusFixture.Fast).Handle<OrderPlaced>(Count).StartAsync();
        var paused = bus.Keys.Paused(KeySchema.KeyName(s_orders), s_orders.Kind);

        await bus.Redis!.HashSetAsync(paused, "default", 1);

        await Wait.UntilAsync(() => first.State == ConsumerState.Paused && second.State == ConsumerState.Paused, because: "every consumer of the group reads the pause");
        await WaitCyclesAsync(first, 2);
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"o-{i}", i)));
        await WaitCyclesAsync(first, 3);
        await WaitCyclesAsync(second, 3);
        Volatile.Read(ref handled).Should().Be(0);

        await bus.Redis!.HashDeleteAsync(paused, ["default"]);

        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 5, because: "deleting the field resumes the group");
        first.State.Should().Be(ConsumerState.Running);
        second.State.Should().Be(ConsumerState.Running);
    }

    [Fact]
    public async Task ClusterPause_OtherGroupPaused_ThisGroupKeepsConsuming()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handled = 0;
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync();

        await bus.Redis!.HashSetAsync(bus.Keys.Paused(KeySchema.KeyName(s_orders), s_orders.Kind), "someone-else", 1);
        await WaitCyclesAsync(consumer, 2);
        await bus.PublishAsync(s_orders, new OrderPlaced("o", 1));

        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 1);
        consumer.State.Should().Be(ConsumerState.Running);
    }

    [Fact]
    public async Task Deduplication_SameIdPublishedTwice_HandledOnceAndTheCopySkipped()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handled = 0;
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.DeduplicationWindow = TimeSpan.FromMinutes(1); o.Concurrency = 1; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync();

        await bus.PublishAsync(s_orders, new OrderPlaced("once", 1), new PublishOptions { Id = "dup-1" });
        await bus.PublishAsync(s_orders, new OrderPlaced("once", 1), new PublishOptions { Id = "dup-1" });

        await Wait.UntilAsync(() => consumer.Statistics.Processed + consumer.Statistics.Skipped == 2);
        Volatile.Read(ref handled).Should().Be(1);
        consumer.Statistics.Skipped.Should().Be(1);
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingEntriesAsync(bus.Keys.Stream("orders"), "default", 10)).Count == 0, because: "the skipped copy is acknowledged");
    }

    [Fact]
    public async Task CircuitBreaker_HandlerAlwaysFails_ConsumerPausedForTheBreakThenResumes()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var calls = 0;
        await using var consumer = await bus.Consume(s_orders, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 100;
                o.CircuitBreaker = OpensAfterTwoFailures(TimeSpan.FromSeconds(5));
            })
            .Handle<OrderPlaced>((_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("dependency down");
            })
            .StartAsync();

        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 4).Select(i => new OrderPlaced($"o-{i}", i)));

        await Wait.UntilAsync(() => consumer.State == ConsumerState.Paused, because: "an open breaker pauses fetching");
        var callsWhenOpened = Volatile.Read(ref calls);
        await Wait.UntilAsync(() => consumer.State == ConsumerState.Running, because: "the pause lasts the break duration");
        await Wait.UntilAsync(() => Volatile.Read(ref calls) > callsWhenOpened, because: "after the break the handler is tried again");
        consumer.Statistics.DeadLettered.Should().Be(0);
    }

    [Theory]
    [InlineData(DestinationKind.Stream)]
    [InlineData(DestinationKind.Queue)]
    public async Task CircuitBreaker_OpenDuringOutage_RefusedMessagesSpendNoAttemptAndNoneIsDeadLettered(DestinationKind kind)
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var destination = new Destination(kind, "payments");
        var dependencyDown = 1;
        var calls = new ConcurrentDictionary<string, int>();
        var attemptsAtSuccess = new ConcurrentDictionary<string, int>();
        await using var consumer = await bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Concurrency = 1;
                o.Retry.MaxDeliveries = 3;
                o.CircuitBreaker = OpensAfterTwoFailures(TimeSpan.FromSeconds(30));
            })
            .Handle<OrderPlaced>((c, _) =>
            {
                var call = calls.AddOrUpdate(c.Message.OrderId, 1, static (_, n) => n + 1);
                if (Volatile.Read(ref dependencyDown) == 1)
                {
                    throw new InvalidOperationException("dependency down");
                }

                attemptsAtSuccess[c.Message.OrderId] = c.Attempt;
                call.Should().Be(c.Attempt, "every attempt counted must be a call of the handler");
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishBatchAsync(destination, Enumerable.Range(0, 10).Select(i => new OrderPlaced($"p-{i}", i)));
        await Wait.UntilAsync(() => consumer.Statistics.Deferred > 0, because: "the open breaker refuses the messages after the first failures");
        Volatile.Write(ref dependencyDown, 0);

        await Wait.UntilAsync(() => attemptsAtSuccess.Count == 10, because: "every message is handled once the dependency is back");
        consumer.Statistics.DeadLettered.Should().Be(0);
        attemptsAtSuccess.Should().OnlyContain(pair => pair.Value == calls[pair.Key], "a refused message keeps its attempt");
        attemptsAtSuccess.Values.Should().Contain(1, "messages the breaker refused before any call succeed on their first attempt");
    }

    [Fact]
    public async Task HandlerTimeout_HandlerRunsPastIt_TokenCancelledAndAttemptRetried()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handledOnAttempt = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.HandlerTimeout = TimeSpan.FromMilliseconds(200); })
            .Handle<OrderPlaced>(async (c, token) =>
            {
                if (c.Attempt == 1)
                {
                    using var registration = token.Register(cancelled.SetResult);
                    await Task.Delay(Timeout.Infinite, token);
                }

                handledOnAttempt.TrySetResult(c.Attempt);
            })
            .StartAsync();

        await bus.PublishAsync(s_orders, new OrderPlaced("slow", 1));

        (await handledOnAttempt.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(2);
        cancelled.Task.IsCompleted.Should().BeTrue("the handler's token is cancelled at the deadline");
        consumer.Statistics.Retried.Should().Be(1);
        consumer.Statistics.DeadLettered.Should().Be(0);
    }

    [Fact]
    public async Task HandlerTimeout_SlowHandlerAfterManyQuickOnes_ItsReusedTokenStillCancelled()
    {
        // Deadline sources are pooled: the ones quick handlers gave back must still cancel a later slow one,
        // and must not be cancelled for a quick one by a deadline that belonged to an earlier message.
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowRetried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var quickCancelled = 0;
        await using var consumer = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.HandlerTimeout = TimeSpan.FromMilliseconds(200); o.Concurrency = 2; })
            .Handle<OrderPlaced>(async (c, token) =>
            {
                if (c.Message.OrderId != "slow")
                {
                    if (token.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref quickCancelled);
                    }

                    return;
                }

                if (c.Attempt > 1)
                {
                    slowRetried.TrySetResult();
                    return;
                }

                using var registration = token.Register(cancelled.SetResult);
                await Task.Delay(Timeout.Infinite, token);
            })
            .StartAsync();

        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 200).Select(static i => new OrderPlaced($"quick-{i}", i)));
        await Wait.UntilAsync(() => consumer.Statistics.Processed >= 200, because: "the quick messages are handled");
        await bus.PublishAsync(s_orders, new OrderPlaced("slow", 1));
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(200, 100).Select(static i => new OrderPlaced($"quick-{i}", i)));

        await slowRetried.Task.WaitAsync(Wait.DefaultTimeout);
        cancelled.Task.IsCompleted.Should().BeTrue("the slow handler's token is cancelled at its deadline");
        await Wait.UntilAsync(() => consumer.Statistics.Processed >= 301, because: "every message is handled");
        quickCancelled.Should().Be(0, "no quick handler saw a cancelled token");
        consumer.Statistics.Retried.Should().Be(1);
    }

    [Fact]
    public async Task OrderByKey_SinglePartitionUnderConcurrency_HandlesEachKeyInPublishOrder()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var accounts = Destination.Stream("accounts");
        var seen = new ConcurrentDictionary<string, ConcurrentQueue<int>>();
        await using var consumer = await bus.Consume(accounts, o => { BusFixture.Fast(o); o.OrderByKey = true; o.Concurrency = 4; })
            .Handle<AccountEvent>(async (c, token) =>
            {
                // Uneven handler times would reorder an unordered consumer.
                await Task.Delay(Random.Shared.Next(0, 3), token);
                seen.GetOrAdd(c.Message.Account, _ => new()).Enqueue(c.Message.Sequence);
            })
            .StartAsync();

        await bus.PublishBatchAsync(accounts, [.. Enumerable.Range(0, 30).SelectMany(seq => Enumerable.Range(0, 5).Select(a =>
            new OutgoingMessage<AccountEvent>(new AccountEvent($"acct-{a}", seq), new PublishOptions { Key = $"acct-{a}" })))]);

        await Wait.UntilAsync(() => seen.Values.Sum(q => q.Count) == 150);
        foreach (var (account, sequence) in seen)
        {
            sequence.Should().Equal(Enumerable.Range(0, 30), $"{account}'s events are handled in order");
        }
    }

    // Maintenance runs every few hundred milliseconds: waiting for passes proves that time went by in which
    // something could have happened, without sleeping for a guessed duration.
    private static Task WaitCyclesAsync(Consumer consumer, int cycles)
    {
        var target = consumer.MaintenanceCycles + cycles;
        return Wait.UntilAsync(() => consumer.MaintenanceCycles >= target, because: $"{cycles} maintenance passes");
    }
}
