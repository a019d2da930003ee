using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Herald.TestKit;
using Herald.Transports;
using Herald.Transports.Lists;

namespace Herald.Tests.Lists;

public sealed class ListRecoveryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_jobs = Destination.Queue("jobs");

    // Consumers of these tests reap quickly, yet a live one is never mistaken for dead on a busy machine.
    private static void ReapQuickly(HeraldOptions options) =>
        options.Queues["jobs"] = new QueueOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100), ConsumerTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task RetryLater_HandlerFailsTwice_RedeliveredWithAttemptRaised()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((c, _) =>
            {
                attempts.Enqueue(c.Attempt);
                return c.Attempt < 3 ? throw new InvalidOperationException("not yet") : ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishAsync(s_jobs, new Job(7));

        await Wait.UntilAsync(() => consumer.Statistics.Processed == 1, because: "the third attempt succeeds");
        attempts.Should().Equal(1, 2, 3);
        consumer.Statistics.Retried.Should().Be(2);
        await Wait.UntilAsync(async () => await bus.Redis!.ListLengthAsync(bus.Keys.Processing("jobs", consumer.Name)) == 0);
        (await bus.Redis!.SortedSetLengthAsync(bus.Keys.Delayed("jobs"))).Should().Be(0);
    }

    [Fact]
    public async Task RetryLater_PriorityMessage_RetriedOnItsOwnLevel()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Queues["jobs"] = new QueueOptions { Priorities = 2 });
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Retry.DelayedRetryDelay = TimeSpan.FromMinutes(1); o.Retry.MaxDelayedRetryDelay = TimeSpan.FromMinutes(1); })
            .Handle<Job>((_, _) => throw new InvalidOperationException("later"))
            .StartAsync();

        await bus.PublishAsync(s_jobs, new Job(1), new PublishOptions { Priority = 1 });

        await Wait.UntilAsync(async () => await bus.Redis!.SortedSetLengthAsync(bus.Keys.Delayed("jobs", 1)) == 1, because: "the retry waits on the message's own level");
        (await bus.Redis!.SortedSetLengthAsync(bus.Keys.Delayed("jobs"))).Should().Be(0);
    }

    [Fact]
    public async Task Consume_PoisonMessage_DeadLetteredWithReasonAfterMaxDeliveriesWhileOthersFlow()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var handled = new ConcurrentBag<int>();
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Retry.MaxDeliveries = 3; })
            .Handle<Job>((c, _) =>
            {
                if (c.Message.Number < 0)
                {
                    throw new InvalidOperationException("cannot run this job");
                }

                handled.Add(c.Message.Number);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishAsync(s_jobs, new Job(-1));
        await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 50).Select(i => new Job(i)));

        await Wait.UntilAsync(() => handled.Count == 50, because: "healthy jobs flow past the poison one");
        var dlq = bus.Keys.DeadLetters("jobs");
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(dlq) == 1, because: "the poison job is dead-lettered");
        var entry = (await bus.Redis!.StreamRangeAsync(dlq)).Single();
        entry.GetString("dlq-reason").Should().Be("HandlerFailed");
        entry.GetString("dlq-error").Should().Be("cannot run this job");
        entry.GetString("dlq-attempts").Should().Be("3");
        entry.GetString("dlq-origin").Should().Be("queue:jobs");
        entry.GetString("type").Should().Be("test.job");
        entry.GetString("data").Should().Be("{\"number\":-1}");
        await Wait.UntilAsync(async () => await bus.Redis!.ListLengthAsync(bus.Keys.Processing("jobs", consumer.Name)) == 0);
    }

    [Fact]
    public async Task Reaper_ConsumerWithStaleHeartbeat_ItsItemsReturnAndAreHandled()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), ReapQuickly);
        var redis = bus.Redis!;
        var ghost = bus.Keys.Processing("jobs", "ghost");
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "ghost", TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds());
        foreach (var number in new[] { 1, 2, 3 })
        {
            await redis.ListLeftPushAsync(ghost, QueueItems.Job(number));
        }

        var handled = new ConcurrentDictionary<int, int>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((c, _) => { handled[c.Message.Number] = c.Attempt; return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => handled.Count == 3, because: "the reaper returns the dead consumer's work to the queue");
        handled.Values.Should().OnlyContain(attempt => attempt == 2, "each was delivered once before, to the consumer that died");
        (await redis.ListLengthAsync(ghost)).Should().Be(0);
        (await redis.SortedSetScoreAsync(bus.Keys.QueueConsumers("jobs"), "ghost")).Should().BeNull("a reaped consumer is forgotten");
        await Wait.UntilAsync(async () => await redis.HashLengthAsync(bus.Keys.Deliveries("jobs")) == 0, because: "finished messages leave no delivery counter");
    }

    [Fact]
    public async Task Reaper_ConsumerWithFreshHeartbeat_ItsItemsStay()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), ReapQuickly);
        var redis = bus.Redis!;
        var busy = bus.Keys.Processing("jobs", "busy");
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "busy", TimeProvider.System.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds());
        await redis.ListLeftPushAsync(busy, QueueItems.Job(1));
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "dead", TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds());
        await redis.ListLeftPushAsync(bus.Keys.Processing("jobs", "dead"), QueueItems.Job(2));

        var handled = new ConcurrentBag<int>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((c, _) => { handled.Add(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => handled.Contains(2), because: "the dead consumer's work comes back");
        handled.Should().Equal(2);
        (await redis.ListLengthAsync(busy)).Should().Be(1, "a consumer whose heartbeat is fresh keeps its work");
    }

    [Fact]
    public async Task ReapScript_HeartbeatNewerThanTheScan_ConsumerLeftAlone()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var redis = bus.Redis!;
        var consumers = bus.Keys.QueueConsumers("jobs");
        var processing = bus.Keys.Processing("jobs", "back");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await redis.SortedSetAddAsync(consumers, "back", now);
        await redis.ListLeftPushAsync(processing, QueueItems.Job(1));

        // The scan saw a heartbeat older than now - 10 s; the consumer has beaten since.
        var returned = await redis.EvaluateAsync(ScriptCatalog.QueueReapConsumer, [consumers, processing, bus.Keys.Deliveries("jobs"), bus.Keys.Queue("jobs"), bus.Keys.Landing("jobs", "back")],
            ["back", now - 10_000, 1], RespParsers.Int64);

        returned.Should().Be(-1);
        (await redis.ListLengthAsync(processing)).Should().Be(1);
        (await redis.SortedSetScoreAsync(consumers, "back")).Should().Be(now);
    }

    [Fact]
    public async Task Reaper_MessageThatKeepsKillingConsumers_DeadLetteredAfterMaxDeliveries()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), ReapQuickly);
        var redis = bus.Redis!;
        var ghost = bus.Keys.Processing("jobs", "ghost");
        var killer = QueueItems.Job(666);
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "ghost", TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds());
        await redis.ListLeftPushAsync(ghost, killer);
        await redis.ListLeftPushAsync(ghost, QueueItems.Job(1));

        // Two consumers before the ghost died holding it too.
        await redis.HashSetAsync(bus.Keys.Deliveries("jobs"), QueueItems.CounterField(killer), 2);

        var handled = new ConcurrentBag<int>();
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Retry.MaxDeliveries = 3; })
            .Handle<Job>((c, _) => { handled.Add(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();

        var dlq = bus.Keys.DeadLetters("jobs");
        await Wait.UntilAsync(async () => await redis.StreamLengthAsync(dlq) == 1, because: "the fourth delivery exceeds the maximum of three");
        await Wait.UntilAsync(() => handled.Contains(1), because: "the other returned job is handled");
        handled.Should().NotContain(666);
        var entry = (await redis.StreamRangeAsync(dlq)).Single();
        entry.GetString("id").Should().Be("job-666");
        entry.GetString("dlq-reason").Should().Be("HandlerFailed");
        entry.GetString("dlq-attempts").Should().Be("4");
        entry.GetString("dlq-error").Should().Contain("crashed");
        await Wait.UntilAsync(async () => await redis.HashLengthAsync(bus.Keys.Deliveries("jobs")) == 0);
    }

    [Fact]
    public async Task Stop_PrefetchedMessagesNotStarted_HandedBackInOrderAndNoneLost()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var redis = bus.Redis!;
        await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 10).Select(i => new Job(i)));
        var started = new TaskCompletionSource();
        var gate = new TaskCompletionSource();
        var firstRun = new ConcurrentQueue<int>();
        var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Concurrency = 1; o.Prefetch = 10; o.BatchSize = 10; })
            .Handle<Job>(async (c, _) =>
            {
                firstRun.Enqueue(c.Message.Number);
                started.TrySetResult();
                await gate.Task;
            })
            .StartAsync();
        await started.Task.WaitAsync(Wait.DefaultTimeout);
        await Wait.UntilAsync(() => consumer.InFlight == 10, because: "the consumer prefetches all ten");

        var stopping = consumer.StopAsync();
        gate.SetResult();
        await stopping;
        await consumer.DisposeAsync();

        firstRun.Should().Equal(0);
        (await redis.ListLengthAsync(bus.Keys.Processing("jobs", consumer.Name))).Should().Be(0, "a stopped consumer holds nothing");
        (await redis.ListLengthAsync(bus.Keys.Queue("jobs"))).Should().Be(9, "the nine unstarted jobs are back in the queue");
        (await redis.SortedSetScoreAsync(bus.Keys.QueueConsumers("jobs"), consumer.Name)).Should().BeNull("a stopped consumer has no heartbeat");

        var secondRun = new ConcurrentQueue<int>();
        await using var next = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Concurrency = 1; })
            .Handle<Job>((c, _) => { secondRun.Enqueue(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();
        await Wait.UntilAsync(() => secondRun.Count == 9);
        secondRun.Should().Equal(Enumerable.Range(1, 9), "handed-back jobs are next, in their order");
    }

    [Fact]
    public async Task Receive_BlockingTakeCancelledAfterRedisMovedAnItem_ItemDeliveredAgain()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var into = new List<Delivery>();
        await using var receiver = await ReceiverWithCancelledWaitAsync(bus, into);

        // As if BLMOVE had moved the item just as the call was given up: Redis holds it, the receiver never saw it.
        var processing = bus.Keys.Processing("jobs", "c1");
        await bus.Redis!.ListLeftPushAsync(processing, QueueItems.Job(5));

        (await receiver.ReceiveAsync(into, 10, CancellationToken.None)).Should().Be(1);
        into.Single().Envelope.Id.Should().Be("job-5");
        await receiver.AcknowledgeAsync(into, CancellationToken.None);
        (await bus.Redis!.ListLengthAsync(processing)).Should().Be(0);
    }

    [Fact]
    public async Task Receive_ItemLeftInTheLandingList_DeliveredOnceByTheConsumersNextTake()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var into = new List<Delivery>();
        await using var receiver = await ReceiverWithCancelledWaitAsync(bus, into);

        // As if BLMOVE had landed the item as the call was given up, before its take script could run.
        var landing = bus.Keys.Landing("jobs", "c1");
        var processing = bus.Keys.Processing("jobs", "c1");
        await bus.Redis!.ListLeftPushAsync(landing, QueueItems.Job(6));
        await bus.Redis!.ListLeftPushAsync(bus.Keys.Queue("jobs"), QueueItems.Job(7));

        (await receiver.ReceiveAsync(into, 10, CancellationToken.None)).Should().Be(2);
        into.Select(static d => d.Envelope.Id).Should().Equal("job-6", "job-7");
        into.Should().OnlyContain(static d => d.DeliveryCount == 1);
        (await bus.Redis!.ListLengthAsync(landing)).Should().Be(0);
        (await bus.Redis!.ListLengthAsync(processing)).Should().Be(2);
        await receiver.AcknowledgeAsync(into, CancellationToken.None);
        (await bus.Redis!.ListLengthAsync(processing)).Should().Be(0);
    }

    [Fact]
    public async Task Reaper_DeadConsumerWithAnItemInItsLandingList_ReturnedAndHandledOnceElsewhere()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), ReapQuickly);
        var redis = bus.Redis!;
        var landing = bus.Keys.Landing("jobs", "ghost");
        await redis.SortedSetAddAsync(bus.Keys.QueueConsumers("jobs"), "ghost", TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds());
        await redis.ListLeftPushAsync(landing, QueueItems.Job(8));

        var handled = new ConcurrentQueue<int>();
        await using var consumer = await bus.Consume(s_jobs, BusFixture.Fast)
            .Handle<Job>((c, _) => { handled.Enqueue(c.Message.Number); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => consumer.Statistics.Processed == 1, because: "the reaper returns the dead consumer's landed item");
        await Wait.UntilAsync(async () => await redis.ListLengthAsync(bus.Keys.Processing("jobs", consumer.Name)) == 0, because: "the item is acknowledged");
        handled.Should().Equal(8);
        (await redis.ListLengthAsync(landing)).Should().Be(0);
        (await redis.ListLengthAsync(bus.Keys.Queue("jobs"))).Should().Be(0, "nothing is left to deliver twice");
        (await redis.SortedSetScoreAsync(bus.Keys.QueueConsumers("jobs"), "ghost")).Should().BeNull();
    }

    [Fact]
    public async Task CreateReceiver_StableNameAfterCrash_PreviousRunsWorkReturnedAndCounted()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var processing = bus.Keys.Processing("jobs", "worker-1");
        await bus.Redis!.ListLeftPushAsync(processing, QueueItems.Job(3));

        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.ConsumerName = "worker-1"; })
            .Handle<Job>((c, _) => { attempts.Enqueue(c.Attempt); return ValueTask.CompletedTask; })
            .StartAsync();

        await Wait.UntilAsync(() => attempts.Count == 1);
        attempts.Should().Equal(2);
        await Wait.UntilAsync(async () => await bus.Redis!.ListLengthAsync(processing) == 0);
    }

    // A receiver "c1" whose blocking take was given up, so its lease connection was destroyed.
    private static async Task<ITransportReceiver> ReceiverWithCancelledWaitAsync(HeraldClient bus, List<Delivery> into)
    {
        var receiver = await bus.TransportFor(s_jobs).CreateReceiverAsync(s_jobs, "default", "c1", new ReceiverOptions { BlockTime = TimeSpan.FromSeconds(10) }, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var blocked = async () => await receiver.ReceiveAsync(into, 10, cancel.Token);
        await blocked.Should().ThrowAsync<OperationCanceledException>();
        return receiver;
    }
}
