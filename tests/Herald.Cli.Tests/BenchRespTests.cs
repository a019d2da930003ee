using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>The benchmark runs end to end and reports every figure; speed is not asserted (CI machines vary).</summary>
public sealed class BenchRespTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task BenchResp_ShortJsonRun_PrintsEveryFigureAndRatio()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "bench", "resp", "--duration", "1", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("environment").GetProperty("serverVersion").GetString().Should().NotBeNullOrEmpty();
        root.GetProperty("settings").GetProperty("valueSize").GetInt32().Should().Be(64);

        var throughput = root.GetProperty("throughput").EnumerateArray().ToList();
        throughput.Select(f => (f.GetProperty("command").GetString(), f.GetProperty("callers").GetInt32()))
            .Should().BeEquivalentTo(new[] { ("SET", 1), ("GET", 1), ("SET", 16), ("GET", 16), ("SET", 256), ("GET", 256) });
        throughput.Should().OnlyContain(f => f.GetProperty("opsPerSecond").GetDouble() > 0 && f.GetProperty("commands").GetInt64() > 0);

        var latency = root.GetProperty("latency").EnumerateArray().ToList();
        latency.Select(f => f.GetProperty("command").GetString()).Should().Equal("SET", "GET");
        latency.Should().OnlyContain(f => f.GetProperty("p50Microseconds").GetDouble() > 0
            && f.GetProperty("p99Microseconds").GetDouble() >= f.GetProperty("p50Microseconds").GetDouble());

        var allocation = root.GetProperty("allocation");
        allocation.GetProperty("commands").GetInt64().Should().BePositive();
        allocation.GetProperty("bytesPerCommand").ValueKind.Should().Be(JsonValueKind.Number);
        root.GetProperty("targets").GetArrayLength().Should().Be(5);

        if (root.GetProperty("redisBenchmark").GetProperty("available").GetBoolean())
        {
            root.GetProperty("pipelinedCeiling").GetProperty("setOpsPerSecond").GetDouble().Should().BePositive();
            throughput.Should().OnlyContain(f => f.GetProperty("ratio").ValueKind == JsonValueKind.Number);
            latency.Should().OnlyContain(f => f.GetProperty("p50Ratio").ValueKind == JsonValueKind.Number);
            root.GetProperty("targets").EnumerateArray().Should().OnlyContain(t => t.GetProperty("passed").ValueKind != JsonValueKind.Null);
        }

        var keys = await redis.Server.CliAsync("--scan", "--pattern", "herald:{bench-resp}:*");
        keys.Should().BeEmpty("the benchmark deletes the keys it wrote");
    }

    [Fact]
    public async Task BenchResp_RedisBenchmarkMissing_SaysSoAndSkipsRatios()
    {
        var run = await HeraldTool.RunAsync(
            ["--redis", redis.Url, "bench", "resp", "--duration", "0.2", "--json"],
            new Dictionary<string, string> { ["HERALD_REDIS_BENCHMARK"] = "/nonexistent/redis-benchmark" });

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("redisBenchmark").GetProperty("available").GetBoolean().Should().BeFalse();
        root.GetProperty("redisBenchmark").GetProperty("note").GetString().Should().Contain("not found");
        root.GetProperty("pipelinedCeiling").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("throughput").EnumerateArray().Should().OnlyContain(f => f.GetProperty("ratio").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task BenchResp_Console_PrintsTablesAndTargets()
    {
        var run = await HeraldTool.RunAsync(
            ["--redis", redis.Url, "bench", "resp", "--duration", "0.2"],
            new Dictionary<string, string> { ["HERALD_REDIS_BENCHMARK"] = "/nonexistent/redis-benchmark" });

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("Throughput").And.Contain("Round trip").And.Contain("Targets").And.Contain("redis-benchmark not found");
    }
}
