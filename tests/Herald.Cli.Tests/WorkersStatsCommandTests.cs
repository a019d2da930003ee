using System.Text.Json;
using Herald.Inspection;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald workers</c>, <c>herald stats</c> and the rates of <c>herald ls</c>, against buses that report every 100 ms.</summary>
public sealed class WorkersStatsCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Workers_RunningBus_ListsItsWorkerWithConsumersAndMovingCountersThenNothingOnceDisposed()
    {
        var kit = OperatorKit.For(redis);
        var bus = await kit.ReportingBusAsync();
        string workerId;
        await using (bus)
        {
            var inspector = bus.CreateInspector();
            await using var billing = await bus.Consume(OperatorKit.Orders, o => OperatorKit.Fast(o, "billing"))
                .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
            await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o-{i}")));
            await ProcessedAsync(inspector, 3);
            workerId = bus.WorkerId!;

            var first = await kit.JsonAsync("workers");
            await bus.PublishBatchAsync(OperatorKit.Orders, [new OrderPlaced("o-3"), new OrderPlaced("o-4")]);
            await ProcessedAsync(inspector, 5);
            var second = await kit.JsonAsync("workers");
            var text = await kit.RunAsync("workers", "--consumers");

            first.GetProperty("prefix").GetString().Should().Be(kit.Prefix);
            var worker = first.GetProperty("workers").EnumerateArray().Should().ContainSingle().Subject;
            worker.GetProperty("id").GetString().Should().Be(workerId);
            worker.GetProperty("processId").GetInt32().Should().Be(Environment.ProcessId);
            worker.GetProperty("host").GetString().Should().Be(Environment.MachineName);
            worker.GetProperty("version").GetString().Should().NotBeNullOrEmpty();
            worker.GetProperty("state").GetString().Should().Be("live");
            worker.GetProperty("uptimeSeconds").GetDouble().Should().BeGreaterThan(0);
            worker.GetProperty("heartbeatIntervalSeconds").GetDouble().Should().Be(0.1);
            worker.GetProperty("processed").GetInt64().Should().Be(3);
            worker.GetProperty("failed").GetInt64().Should().Be(0);
            var consumer = worker.GetProperty("consumers").EnumerateArray().Should().ContainSingle().Subject;
            consumer.GetProperty("destination").GetString().Should().Be("stream:orders");
            consumer.GetProperty("group").GetString().Should().Be("billing");
            consumer.GetProperty("state").GetString().Should().Be("running");
            consumer.GetProperty("processed").GetInt64().Should().Be(3);
            var moved = second.GetProperty("workers")[0];
            moved.GetProperty("processed").GetInt64().Should().Be(5, "the counters move with the traffic");
            moved.GetProperty("consumers")[0].GetProperty("processed").GetInt64().Should().Be(5);

            text.ExitCode.Should().Be(0, text.ToString());
            text.Output.Should().Contain(workerId).And.Contain("live").And.Contain("stream:orders (billing)")
                .And.Contain(consumer.GetProperty("name").GetString()!);
            TmuxTerminal.Lines(text.Output, workerId).Should().Be(2, "one row in the workers table and one per consumer with --consumers:\n" + text.Output);
        }

        var gone = await kit.JsonAsync("workers");
        var empty = await kit.RunAsync("workers");

        gone.GetProperty("workers").GetArrayLength().Should().Be(0, $"a disposed bus ({workerId}) removes itself from the registry");
        empty.ExitCode.Should().Be(0, empty.ToString());
        empty.Output.Should().Contain("No workers").And.Contain(kit.Prefix);
    }

    [Fact]
    public async Task Workers_HostWhoseHeartbeatsAreOld_ShownStaleWithWhatItMeans()
    {
        var kit = OperatorKit.For(redis);

        // A host whose clock is a minute behind writes heartbeats that look a minute old: to anyone else it missed them.
        await using var bus = await kit.ReportingBusAsync(new ShiftedClock(TimeSpan.FromMinutes(-1)));
        await using var billing = await bus.Consume(OperatorKit.Orders, o => OperatorKit.Fast(o, "billing"))
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await Wait.UntilAsync(async () => (await bus.CreateInspector().ListWorkersAsync()).Count == 1, because: "the bus announces itself");

        var json = await kit.JsonAsync("workers");
        var text = await kit.RunAsync("workers");
        var stats = await kit.JsonAsync("stats");

        var worker = json.GetProperty("workers")[0];
        worker.GetProperty("state").GetString().Should().Be("stale");
        worker.GetProperty("heartbeatAgeSeconds").GetDouble().Should().BeGreaterThan(50);
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("stale").And.Contain("1 stale worker(s)").And.Contain("probably gone or stuck");
        stats.GetProperty("workers").GetProperty("stale").GetInt32().Should().Be(1);
        stats.GetProperty("workers").GetProperty("live").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Stats_AfterTraffic_ShowsPublishedProcessedFailedWorkersAndDestinations()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.ReportingBusAsync();
        var inspector = bus.CreateInspector();
        await using var worker = await bus.Consume(OperatorKit.Jobs, o => OperatorKit.FailOnce(o))
            .Handle<Job>((job, _) => job.Message.Number < 0 ? throw new InvalidOperationException("bad job") : ValueTask.CompletedTask).StartAsync();
        await bus.PublishBatchAsync(OperatorKit.Jobs, [new Job(1), new Job(2), new Job(3), new Job(-1)]);
        await Wait.UntilAsync(
            async () => Sum(await inspector.GetTotalThroughputAsync(s_window)) == (4, 3, 1),
            because: "the bus flushes what it published, processed and failed");

        var json = await kit.JsonAsync("stats");
        var text = await kit.RunAsync("stats", "--window", "5m");

        json.GetProperty("prefix").GetString().Should().Be(kit.Prefix);
        var throughput = json.GetProperty("throughput");
        throughput.GetProperty("windowMinutes").GetInt32().Should().Be(15);
        throughput.GetProperty("minutes").GetArrayLength().Should().Be(15);
        var total = throughput.GetProperty("total");
        total.GetProperty("published").GetInt64().Should().Be(4);
        total.GetProperty("processed").GetInt64().Should().Be(3);
        total.GetProperty("failed").GetInt64().Should().Be(1);
        throughput.GetProperty("minutes").EnumerateArray().Sum(m => m.GetProperty("processed").GetInt64()).Should().Be(3);
        (throughput.GetProperty("currentMinute").GetProperty("processed").GetInt64() + throughput.GetProperty("previousMinute").GetProperty("processed").GetInt64())
            .Should().Be(3, "the traffic is seconds old");
        throughput.GetProperty("averagePerMinute").GetProperty("processed").GetDouble().Should().BeGreaterThan(0);
        var workers = json.GetProperty("workers");
        workers.GetProperty("live").GetInt32().Should().Be(1);
        workers.GetProperty("stale").GetInt32().Should().Be(0);
        workers.GetProperty("consumers").GetInt32().Should().Be(1);
        var destinations = json.GetProperty("destinations");
        destinations.GetProperty("queues").GetInt32().Should().Be(1);
        destinations.GetProperty("streams").GetInt32().Should().Be(0);
        destinations.GetProperty("deadLetters").GetInt64().Should().Be(1);

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("last 5m").And.Contain("Total 5m").And.Contain("Workers: 1 live").And.Contain("dead letters 1");
        TmuxTerminal.Cell(text.Output, "Published", 3).Should().Be("4", "the Total column of the Published row:\n" + text.Output);
        TmuxTerminal.Cell(text.Output, "Processed", 3).Should().Be("3");
        TmuxTerminal.Cell(text.Output, "Failed", 3).Should().Be("1");
    }

    [Fact]
    public async Task Stats_WatchPiped_PrintsOneJsonLinePerRefreshAndStopsAfterDuration()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.ReportingBusAsync();
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("a"));
        await Wait.UntilAsync(async () => Sum(await bus.CreateInspector().GetTotalThroughputAsync(s_window)).Published == 1, because: "the bus flushes its count");

        var run = await kit.RunAsync("stats", "--watch", "--interval", "200ms", "--duration", "1s", "--window", "2m");

        run.ExitCode.Should().Be(0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.Should().BeGreaterThanOrEqualTo(2, "a first snapshot and at least one refresh");
        foreach (var line in lines)
        {
            using var snapshot = JsonDocument.Parse(line);
            var throughput = snapshot.RootElement.GetProperty("throughput");
            throughput.GetProperty("windowMinutes").GetInt32().Should().Be(2);
            throughput.GetProperty("total").GetProperty("published").GetInt64().Should().Be(1);
            snapshot.RootElement.GetProperty("destinations").GetProperty("streams").GetInt32().Should().Be(1);
        }
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("2d")]
    public async Task Stats_WindowOutOfRange_ExitsWithUsageCode(string window)
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://127.0.0.1:1", "stats", "--window", window);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("--window");
    }

    [Fact]
    public async Task Ls_AfterTraffic_ShowsPublishedAndProcessedPerMinute()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.ReportingBusAsync();
        var inspector = bus.CreateInspector();
        await using var billing = await bus.Consume(OperatorKit.Orders, o => OperatorKit.Fast(o, "billing"))
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 6).Select(i => new OrderPlaced($"o-{i}")));
        await bus.PublishAsync(OperatorKit.Jobs, new Job(1));
        await Wait.UntilAsync(
            async () => (await inspector.GetThroughputByDestinationAsync(TimeSpan.FromMinutes(5))).SingleOrDefault(t => t.Destination == OperatorKit.Orders).Processed == 6,
            because: "the bus flushes what billing processed");

        var json = await kit.JsonAsync("ls");
        var text = await kit.RunAsync("ls");

        json.GetProperty("rateWindowMinutes").GetInt32().Should().Be(5);
        var orders = OperatorKit.Row(json.GetProperty("destinations"), "destination", "stream:orders");
        orders.GetProperty("publishedPerMinute").GetDouble().Should().BeGreaterThan(0);
        orders.GetProperty("processedPerMinute").GetDouble().Should().BeGreaterThan(0);
        orders.GetProperty("publishedPerMinute").GetDouble().Should().BeLessThanOrEqualTo(6, "six messages over at least a minute");
        var jobs = OperatorKit.Row(json.GetProperty("destinations"), "destination", "queue:jobs");
        jobs.GetProperty("publishedPerMinute").GetDouble().Should().BeGreaterThan(0);
        jobs.GetProperty("processedPerMinute").GetDouble().Should().Be(0, "nothing consumes the queue");
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("Pub/min").And.Contain("Done/min");
    }

    private static Task ProcessedAsync(HeraldInspector inspector, long processed) =>
        Wait.UntilAsync(async () => (await inspector.ListWorkersAsync()).SingleOrDefault()?.Processed == processed, because: $"the worker reports {processed} processed");

    private static (long Published, long Processed, long Failed) Sum(IReadOnlyList<ThroughputPoint> points) =>
        (points.Sum(static p => p.Published), points.Sum(static p => p.Processed), points.Sum(static p => p.Failed));

    /// <summary>The system clock moved by an offset, as on a host whose clock is wrong.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
