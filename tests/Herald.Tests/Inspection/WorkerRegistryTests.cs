using System.Runtime.CompilerServices;
using Herald.Consuming;
using Herald.Inspection;
using Herald.Keys;
using Herald.Redis.Commands;
using Herald.Testing;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class WorkerRegistryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(250);
    private static readonly Destination s_orders = Destination.Stream("orders");
    private static readonly Destination s_emails = Destination.Queue("emails");

    [Fact]
    public async Task ListWorkersAsync_BusRunningConsumers_ListsItWithItsFieldsAndMovingCounters()
    {
        var started = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        await using var orders = await bus.Consume(s_orders, o => Configure(o, "billing", concurrency: 3))
            .Handle<WorkItem>(static (c, _) => c.Message.Fail ? throw new InvalidOperationException("refused") : ValueTask.CompletedTask)
            .StartAsync();
        await using var emails = await bus.Consume(s_emails, o => Configure(o, "mailer", concurrency: 2))
            .Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask)
            .StartAsync();
        await bus.PublishBatchAsync(s_orders, [new WorkItem(1, Fail: false), new WorkItem(2, Fail: false), new WorkItem(3, Fail: true)]);

        var worker = await WaitForWorkerAsync(inspector, bus, static w => w.Processed == 2 && w.Failed == 1 && w.InFlight == 0, "the first messages are counted");

        worker.Host.Should().Be(Environment.MachineName);
        worker.ProcessId.Should().Be(Environment.ProcessId);
        worker.Version.Should().NotBeNullOrWhiteSpace();
        worker.Started.Should().BeOnOrAfter(started).And.BeOnOrBefore(worker.LastHeartbeat);
        worker.HeartbeatInterval.Should().Be(s_interval);
        worker.IsStale.Should().BeFalse();
        worker.Concurrency.Should().Be(5);
        worker.Consumers.Should().BeEquivalentTo(
        [
            new WorkerConsumerInfo(s_orders, "billing", orders.Name, ConsumerState.Running, 3, 0, 2, 1),
            new WorkerConsumerInfo(s_emails, "mailer", emails.Name, ConsumerState.Running, 2, 0, 0, 0),
        ]);

        await bus.PublishBatchAsync(s_emails, [new WorkItem(4, Fail: false), new WorkItem(5, Fail: false)]);

        worker = await WaitForWorkerAsync(inspector, bus, static w => w.Processed == 4, "later messages move the counters");
        worker.Failed.Should().Be(1);
        worker.Consumers.Single(c => c.Destination == s_emails).Processed.Should().Be(2);
    }

    [Fact]
    public async Task ListWorkersAsync_BusBlockedInAHandler_ReportsTheMessageInFlight()
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await bus.Consume(s_orders, o => Configure(o, "billing", concurrency: 2))
            .Handle<WorkItem>(async (_, token) => await release.Task.WaitAsync(token))
            .StartAsync();
        await bus.PublishAsync(s_orders, new WorkItem(1, Fail: false));

        var worker = await WaitForWorkerAsync(inspector, bus, static w => w.InFlight == 1, "the blocked message is in flight");
        worker.Consumers.Single().InFlight.Should().Be(1);

        release.SetResult();
        await WaitForWorkerAsync(inspector, bus, static w => w.InFlight == 0 && w.Processed == 1, "the finished message leaves the in-flight count");
    }

    [Fact]
    public async Task DisposeAsync_AnnouncedBus_RemovesItsEntryAtOnce()
    {
        var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        var redis = await Herald.Redis.RedisClient.ConnectAsync(fixture.Url);
        await using (redis)
        {
            var consumer = await bus.Consume(s_orders, o => Configure(o, "billing", concurrency: 1)).Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask).StartAsync();
            await WaitForWorkerAsync(inspector, bus, static _ => true, "the bus announces itself");
            var id = bus.WorkerId!;

            await bus.DisposeAsync();

            // Before the entry could have expired (six intervals): the bus removed it itself.
            var after = new HeraldInspector(redis, bus.Keys);
            (await after.ListWorkersAsync()).Should().NotContain(w => w.Id == id);
            (await redis.KeyExistsAsync(bus.Keys.Worker(id))).Should().BeFalse();
            (await redis.SortedSetScoreAsync(bus.Keys.Workers(), id)).Should().BeNull();
            consumer.State.Should().Be(ConsumerState.Stopped);
        }
    }

    [Fact]
    public async Task ListWorkersAsync_WorkerStopsHeartbeatingWithoutCleanup_ReportedStaleThenGoneAndPruned()
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        await using var consumer = await bus.Consume(s_orders, o => Configure(o, "billing", concurrency: 1)).Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask).StartAsync();
        await WaitForWorkerAsync(inspector, bus, static w => !w.IsStale, "the bus announces itself");
        var id = bus.WorkerId!;

        // As if the process were killed: the loop stops and nothing is cleaned up.
        await bus.Workers!.AbandonAsync();

        var stale = await WaitForWorkerAsync(inspector, bus, static w => w.IsStale, "a worker that misses three heartbeats is stale");
        stale.HeartbeatAge.Should().BeGreaterThan(s_interval * 3);
        await Wait.UntilAsync(async () => (await inspector.ListWorkersAsync()).All(w => w.Id != id), because: "the entry of a dead worker expires by itself");
        (await bus.Redis!.SortedSetScoreAsync(bus.Keys.Workers(), id)).Should().BeNull("listing prunes index entries whose description expired");
    }

    [Fact]
    public async Task ListWorkersAsync_WorkerProcessKilled_ReportedStaleThenGone()
    {
        var prefix = fixture.NewPrefix().TrimEnd(':');
        var keys = new KeySchema(prefix);
        await using var redis = await Herald.Redis.RedisClient.ConnectAsync(fixture.Url);
        var inspector = new HeraldInspector(redis, keys);
        var environment = new Dictionary<string, string> { ["HERALD_WORKER_HEARTBEAT_MS"] = "300" };
        await using var process = await WorkerProcess.StartAsync(environment, fixture.Url, prefix, "orders", "billing", "crash-1", keys.Scratch("test", "processed"), "0");
        WorkerInfo? worker = null;
        await Wait.UntilAsync(
            async () => (worker = (await inspector.ListWorkersAsync()).SingleOrDefault()) is { IsStale: false },
            because: "the worker process announces itself");
        worker!.ProcessId.Should().Be(process.ProcessId);
        worker.Consumers.Should().ContainSingle().Which.Should().Be(new WorkerConsumerInfo(s_orders, "billing", "crash-1", ConsumerState.Running, 8, 0, 0, 0));

        await process.KillAsync();

        await Wait.UntilAsync(async () => (await inspector.ListWorkersAsync()).SingleOrDefault() is { IsStale: true }, because: "a killed worker misses its heartbeats");
        await Wait.UntilAsync(async () => (await inspector.ListWorkersAsync()).Count == 0, because: "a killed worker's entry expires by itself");
        (await redis.SortedSetLengthAsync(keys.Workers())).Should().Be(0);
    }

    [Fact]
    public async Task ListWorkersAsync_LastConsumerStops_WorkerWithdrawsAndReturnsWithTheNextConsumer()
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        var first = await bus.Consume(s_orders, o => Configure(o, "billing", concurrency: 1)).Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask).StartAsync();
        await bus.PublishAsync(s_orders, new WorkItem(1, Fail: false));
        await WaitForWorkerAsync(inspector, bus, static w => w.Processed == 1, "the bus announces itself");

        await first.DisposeAsync();

        await Wait.UntilAsync(async () => (await inspector.ListWorkersAsync()).All(w => w.Id != bus.WorkerId), because: "a client without consumers is no worker");
        (await bus.Redis!.KeyExistsAsync(bus.Keys.Worker(bus.WorkerId!))).Should().BeFalse("it withdrew rather than waiting to expire");

        await using var second = await bus.Consume(s_emails, o => Configure(o, "mailer", concurrency: 4)).Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask).StartAsync();

        var back = await WaitForWorkerAsync(inspector, bus, static _ => true, "the next consumer announces the worker again");
        back.Consumers.Should().ContainSingle().Which.Destination.Should().Be(s_emails);
        back.Concurrency.Should().Be(4);
        back.Processed.Should().Be(1, "a worker's totals include consumers that stopped");
    }

    [Fact]
    public async Task ListWorkersAsync_BusThatOnlyPublishes_IsNoWorker()
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        await bus.PublishAsync(s_orders, new WorkItem(1, Fail: false));

        // The published count reaching the history proves ticks ran; none of them announced a worker.
        await Wait.UntilAsync(async () => (await inspector.GetThroughputAsync(s_orders, TimeSpan.FromMinutes(5))).Sum(p => p.Published) == 1, because: "the publisher's ticks flush its counts");
        (await inspector.ListWorkersAsync()).Should().BeEmpty();
        (await bus.Redis!.KeyExistsAsync(bus.Keys.Workers())).Should().BeFalse();
    }

    [Fact]
    public async Task Build_InMemoryTransport_RunsNoRegistry()
    {
        await using var harness = await HeraldTestHarness.StartAsync(o => o.WorkerHeartbeatInterval = s_interval);
        await using var consumer = await harness.Bus.Consume(s_orders).Handle<WorkItem>(static (_, _) => ValueTask.CompletedTask).StartAsync();

        await harness.Bus.PublishAsync(s_orders, new WorkItem(1, Fail: false));
        await harness.WaitForIdleAsync();

        harness.Bus.WorkerId.Should().BeNull();
        harness.Bus.Workers.Should().BeNull();
    }

    [Theory]
    [InlineData(99)]
    [InlineData(300_001)]
    public void Validate_HeartbeatIntervalOutOfRange_NamesTheSetting(int milliseconds)
    {
        var options = new HeraldOptions { WorkerHeartbeatInterval = TimeSpan.FromMilliseconds(milliseconds) };

        options.Invoking(o => o.Validate()).Should().Throw<InvalidOptionException>().WithMessage("*WorkerHeartbeatInterval*");
    }

    private static void Configure(ConsumerOptions options, string group, int concurrency)
    {
        BusFixture.Fast(options);
        options.Group = group;
        options.Concurrency = concurrency;
        options.Retry.MaxDeliveries = 1;
    }

    private static async Task<WorkerInfo> WaitForWorkerAsync(HeraldInspector inspector, HeraldClient bus, Func<WorkerInfo, bool> condition, string because)
    {
        WorkerInfo? found = null;
        await Wait.UntilAsync(
            async () =>
            {
                found = (await inspector.ListWorkersAsync()).SingleOrDefault(w => w.Id == bus.WorkerId);
                return found is not null && condition(found);
            },
            because: because);
        return found!;
    }

    private Task<HeraldClient> CreateBusAsync([CallerMemberName] string test = "") =>
        fixture.CreateBusAsync(fixture.NewPrefix(test), o => o.WorkerHeartbeatInterval = s_interval);
}

public sealed record WorkItem(int Number, bool Fail);
