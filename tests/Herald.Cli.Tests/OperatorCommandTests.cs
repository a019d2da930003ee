using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald ls</c>, <c>groups</c>, <c>lag</c>, <c>pause</c> and <c>resume</c> against state the bus made.</summary>
public sealed class OperatorCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Ls_LaggingStreamAndPausedQueue_ListsBothWithTheirFigures()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"o-{i}")));
        await bus.PublishBatchAsync(OperatorKit.Jobs, [new Job(1), new Job(2)]);
        await bus.CreateInspector().PauseAsync(OperatorKit.Jobs);

        var text = await kit.RunAsync("ls");
        var json = await kit.JsonAsync("ls");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("stream:orders").And.Contain("queue:jobs").And.Contain("paused").And.Contain(kit.Prefix);
        json.GetProperty("prefix").GetString().Should().Be(kit.Prefix);
        var rows = json.GetProperty("destinations");
        rows.EnumerateArray().Select(r => r.GetProperty("destination").GetString()).Should().Equal("stream:orders", "queue:jobs");
        var stream = rows[0];
        stream.GetProperty("kind").GetString().Should().Be("stream");
        stream.GetProperty("length").GetInt64().Should().Be(3);
        stream.GetProperty("groups").GetInt32().Should().Be(1);
        stream.GetProperty("lag").GetInt64().Should().Be(3);
        stream.GetProperty("oldestAgeSeconds").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        stream.GetProperty("paused").GetBoolean().Should().BeFalse();
        var queue = rows[1];
        queue.GetProperty("lag").GetInt64().Should().Be(2);
        queue.GetProperty("paused").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Ls_InvalidPrefix_ExitsWithUsageCodeBeforeConnecting()
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://127.0.0.1:1", "--prefix", "a{b}", "ls");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("invalid key prefix 'a{b}'");
    }

    [Fact]
    public async Task Groups_PausedLaggingGroupAndBusyOne_ShowsEachWithConsumersAndWhatToDo()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");
        await using var shipping = await bus.Consume(OperatorKit.Orders, o => OperatorKit.Fast(o, "shipping"))
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 4).Select(i => new OrderPlaced($"o-{i}")));
        await bus.CreateInspector().PauseAsync(OperatorKit.Orders, "billing");
        await Wait.UntilAsync(async () => (await bus.CreateInspector().GetStreamAsync("orders")).Groups.Single(g => g.Name == "shipping").Lag == 0,
            because: "shipping reads everything");

        var text = await kit.RunAsync("groups", "orders", "--consumers");
        var json = await kit.JsonAsync("groups", "stream:orders");

        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("billing").And.Contain("shipping").And.Contain("group shipping")
            .And.Contain("herald resume stream:orders --group billing");
        json.GetProperty("destination").GetString().Should().Be("stream:orders");
        var billing = OperatorKit.Row(json.GetProperty("groups"), "name", "billing");
        billing.GetProperty("lag").GetInt64().Should().Be(4);
        billing.GetProperty("lagAccuracy").GetString().Should().Be("reported");
        billing.GetProperty("paused").GetBoolean().Should().BeTrue();
        billing.GetProperty("oldestWaitingAgeSeconds").ValueKind.Should().Be(JsonValueKind.Number);
        billing.GetProperty("consumers").GetArrayLength().Should().Be(1);
        var busy = OperatorKit.Row(json.GetProperty("groups"), "name", "shipping");
        busy.GetProperty("lag").GetInt64().Should().Be(0);
        busy.GetProperty("paused").GetBoolean().Should().BeFalse();
        busy.GetProperty("consumers")[0].GetProperty("idleSeconds").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Groups_Queue_ShowsWaitingWorkAndEachConsumer()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        var taken = 0;
        await using (var worker = await bus.Consume(OperatorKit.Jobs, o => OperatorKit.Fast(o))
            .Handle<Job>((_, _) => { Interlocked.Increment(ref taken); return ValueTask.CompletedTask; }).StartAsync())
        {
            await bus.PublishAsync(OperatorKit.Jobs, new Job(0));
            await Wait.UntilAsync(() => Volatile.Read(ref taken) == 1, because: "the worker takes the first job");
        }

        await bus.PublishBatchAsync(OperatorKit.Jobs, [new Job(1), new Job(2), new Job(3)]);

        var json = await kit.JsonAsync("groups", "jobs");
        var text = await kit.RunAsync("groups", "queue:jobs");

        json.GetProperty("destination").GetString().Should().Be("queue:jobs");
        json.GetProperty("waiting").GetInt64().Should().Be(3);
        json.GetProperty("inFlight").GetInt64().Should().Be(0);
        json.GetProperty("consumers").GetArrayLength().Should().BeLessThanOrEqualTo(1, "a stopped consumer may unregister itself");
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("queue:jobs").And.Contain("Waiting");
    }

    [Fact]
    public async Task Groups_UnknownStream_ExitsNotFoundWithOneHelpfulLine()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("a"));

        var bare = await kit.RunAsync("groups", "order");
        var typed = await kit.RunAsync("groups", "stream:order");

        bare.ExitCode.Should().Be(7, bare.ToString());
        bare.Output.Should().BeEmpty();
        bare.ErrorLines.Should().ContainSingle().Which.Should().Contain("'order'").And.Contain(kit.Prefix).And.Contain("herald ls");
        typed.ExitCode.Should().Be(7, typed.ToString());
        typed.ErrorLines.Should().ContainSingle().Which.Should().Contain("stream:order").And.Contain("--prefix");
    }

    [Fact]
    public async Task Lag_WatchPiped_PrintsOneJsonLinePerRefreshAndStopsAfterDuration()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");
        await bus.PublishBatchAsync(OperatorKit.Orders, [new OrderPlaced("a"), new OrderPlaced("b")]);
        await bus.PublishAsync(OperatorKit.Jobs, new Job(1));

        var run = await kit.RunAsync("lag", "--watch", "--interval", "200ms", "--duration", "1s");

        run.ExitCode.Should().Be(0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.Should().BeGreaterThanOrEqualTo(2, "a first snapshot and at least one refresh");
        foreach (var line in lines)
        {
            using var snapshot = JsonDocument.Parse(line);
            var rows = snapshot.RootElement.GetProperty("rows");
            var billing = OperatorKit.Row(rows, "destination", "stream:orders");
            billing.GetProperty("group").GetString().Should().Be("billing");
            billing.GetProperty("lag").GetInt64().Should().Be(2);
            var queue = OperatorKit.Row(rows, "destination", "queue:jobs");
            queue.GetProperty("group").ValueKind.Should().Be(JsonValueKind.Null);
            queue.GetProperty("lag").GetInt64().Should().Be(1);
        }

        using var second = JsonDocument.Parse(lines[1]);
        OperatorKit.Row(second.RootElement.GetProperty("rows"), "destination", "stream:orders").GetProperty("lagChangePerSecond").GetDouble().Should().Be(0);
    }

    [Fact]
    public async Task Lag_BadInterval_ExitsWithUsageCode()
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://127.0.0.1:1", "lag", "--watch", "--interval", "soon");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("--interval 'soon'");
    }

    [Fact]
    public async Task Pause_UnknownGroupOfStream_ExitsNotFoundNamingTheGroups()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");

        var run = await kit.RunAsync("pause", "orders", "--group", "biling");

        run.ExitCode.Should().Be(7, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("'biling'").And.Contain("billing");
        (await bus.CreateInspector().IsPausedAsync(OperatorKit.Orders, "biling")).Should().BeFalse();
    }

    [Fact]
    public async Task PauseResume_QueueDefaultGroup_SetsAndClearsThePauseAndSaysWhenNothingChanged()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await bus.PublishAsync(OperatorKit.Jobs, new Job(1));
        var inspector = bus.CreateInspector();

        var paused = await kit.JsonAsync("pause", "queue:jobs");
        var again = await kit.RunAsync("pause", "jobs");
        var pausedNow = await inspector.IsPausedAsync(OperatorKit.Jobs);
        var resumed = await kit.JsonAsync("resume", "jobs");

        paused.GetProperty("destination").GetString().Should().Be("queue:jobs");
        paused.GetProperty("group").GetString().Should().Be("default");
        paused.GetProperty("paused").GetBoolean().Should().BeTrue();
        paused.GetProperty("changed").GetBoolean().Should().BeTrue();
        again.ExitCode.Should().Be(0, again.ToString());
        again.Output.Should().Contain("already paused");
        pausedNow.Should().BeTrue();
        resumed.GetProperty("paused").GetBoolean().Should().BeFalse();
        resumed.GetProperty("changed").GetBoolean().Should().BeTrue();
        (await inspector.IsPausedAsync(OperatorKit.Jobs)).Should().BeFalse();
    }
}
