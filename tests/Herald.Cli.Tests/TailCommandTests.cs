using System.Text.Json;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;
using Herald.Transports.Streams;

namespace Herald.Cli.Tests;

/// <summary><c>herald tail</c> reads streams, partitioned or not, and a group's backlog, without consuming anything.</summary>
public sealed class TailCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Tail_PartitionedStream_MergesPartitionsByIdAndCreatesNoGroup()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        await using var bus = await BusAsync(prefix, partitions: 3);
        for (var i = 0; i < 9; i++)
            await bus.PublishAsync(Destination.Stream("orders"), new { N = i }, new PublishOptions { Key = "customer-" + i });

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "stream:orders", "--prefix", prefix, "--from", "start", "--count", "0", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        var lines = JsonLines(run.Output);
        lines.Select(l => l.GetProperty("body").GetProperty("n").GetInt32()).Should().Equal(Enumerable.Range(0, 9), "entries of all partitions are merged in id order");
        lines.Select(l => l.GetProperty("partition").GetInt32()).Distinct().Should().HaveCountGreaterThan(1);
        for (var p = 0; p < 3; p++)
            (await bus.Redis!.StreamGroupsAsync(bus.Keys.Stream("orders", p))).Should().BeEmpty("tail reads without a consumer group");
    }

    [Fact]
    public async Task Tail_Default_PrintsTheLastTenInOrder()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        await using var bus = await BusAsync(prefix, partitions: 2);
        for (var i = 0; i < 15; i++)
            await bus.PublishAsync(Destination.Stream("events"), new { N = i }, new PublishOptions { Type = "test.event" });

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "events", "--prefix", prefix);

        run.ExitCode.Should().Be(0, run.ToString());
        var shown = run.Output.Split('\n').Where(l => l.TrimStart().StartsWith("{\"n\":", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        shown.Should().Equal(Enumerable.Range(5, 10).Select(i => $"{{\"n\":{i}}}"));
        run.Output.Should().Contain("stream:events test.event id=");
    }

    [Fact]
    public async Task Tail_Group_ShowsOnlyWhatTheGroupHasNotBeenDeliveredAndLeavesItsStateAlone()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        await using var bus = await BusAsync(prefix, partitions: 1);
        var key = bus.Keys.Stream("jobs");
        for (var i = 0; i < 5; i++)
            await bus.PublishAsync(Destination.Stream("jobs"), new { N = i });
        await bus.Redis!.StreamCreateGroupAsync(key, "workers", "0");
        await bus.Redis!.StreamReadGroupAsync(key, "workers", "w1", count: 2);
        var before = (await bus.Redis!.StreamGroupsAsync(key)).Single();

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "stream:jobs", "--prefix", prefix, "--group", "workers", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        JsonLines(run.Output).Select(l => l.GetProperty("body").GetProperty("n").GetInt32()).Should().Equal(2, 3, 4);
        (await bus.Redis!.StreamGroupsAsync(key)).Single().Should().Be(before, "tail neither reads through the group nor acknowledges");
    }

    [Fact]
    public async Task Tail_FromTimeAndFollow_PrintsLaterEntriesAsTheyArrive()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        await using var bus = await BusAsync(prefix, partitions: 2);
        await bus.PublishAsync(Destination.Stream("live"), new { N = 0 });

        var following = HeraldTool.RunAsync("--redis", redis.Url, "tail", "live", "--prefix", prefix, "--from", "10m", "--follow", "--count", "3", "--json");
        await bus.PublishAsync(Destination.Stream("live"), new { N = 1 }, new PublishOptions { Key = "a" });
        await bus.PublishAsync(Destination.Stream("live"), new { N = 2 }, new PublishOptions { Key = "b" });
        var run = await following;

        run.ExitCode.Should().Be(0, run.ToString());
        JsonLines(run.Output).Select(l => l.GetProperty("body").GetProperty("n").GetInt32()).Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task Tail_UnknownStreamOrGroup_ExitsSevenNamingWhatExists()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        await using var bus = await BusAsync(prefix, partitions: 1);
        await bus.PublishAsync(Destination.Stream("known"), new { N = 0 });

        var stream = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "unknown", "--prefix", prefix);
        var group = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "known", "--prefix", prefix, "--group", "nobody");

        stream.ExitCode.Should().Be(7, stream.ToString());
        stream.ErrorLines.Should().ContainSingle().Which.Should().Be("error: stream:unknown does not exist: known streams under '" + prefix + "': stream:known.");
        group.ExitCode.Should().Be(7, group.ToString());
        group.ErrorLines.Should().ContainSingle().Which.Should().Contain("has no consumer group 'nobody'");
    }

    [Fact]
    public async Task Tail_BadFrom_IsAUsageError()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "tail", "s", "--from", "yesterday");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("--from takes start, end");
    }

    private async Task<HeraldClient> BusAsync(string prefix, int partitions) =>
        await HeraldClient.CreateBuilder().UseRedis(redis.Url).Configure(options =>
        {
            options.KeyPrefix = prefix;
            options.DefaultStream = new StreamOptions { Partitions = partitions };
        }).BuildAsync();

    private static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
