using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>The end-to-end bus benchmark runs with its consumer in a second process and reports every figure; speed is not asserted.</summary>
public sealed class BenchBusTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task BenchStreams_ShortJsonRun_PrintsEveryFigureAndDeletesItsKeys()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "bench", "streams", "--duration", "1", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("transport").GetString().Should().Be("streams");
        root.GetProperty("bodyBytes").GetInt32().Should().Be(100);

        var throughput = root.GetProperty("throughput");
        throughput.GetProperty("published").GetInt64().Should().BePositive();
        throughput.GetProperty("handled").GetInt64().Should().Be(throughput.GetProperty("published").GetInt64(), "a stream with a consumer group loses nothing");
        throughput.GetProperty("messagesPerSecond").GetDouble().Should().BePositive();
        throughput.GetProperty("consumerCpuSeconds").GetDouble().Should().BePositive("the consumer runs in its own process");

        var latency = root.GetProperty("latency");
        latency.GetProperty("messages").GetInt64().Should().BePositive();
        latency.GetProperty("p99Milliseconds").GetDouble().Should().BeGreaterThanOrEqualTo(latency.GetProperty("p50Milliseconds").GetDouble());
        var bands = latency.GetProperty("histogram").EnumerateArray().ToList();
        bands.Sum(b => b.GetProperty("messages").GetInt64()).Should().Be(latency.GetProperty("messages").GetInt64(), "every paced message falls in one band");
        bands[^1].GetProperty("belowMilliseconds").ValueKind.Should().Be(JsonValueKind.Null, "the last band is open-ended");
        root.GetProperty("targets").GetArrayLength().Should().Be(3);

        if (root.GetProperty("redisBenchmark").GetProperty("available").GetBoolean())
        {
            root.GetProperty("ceiling").GetProperty("pipelinedOpsPerSecond").GetDouble().Should().BePositive();
            throughput.GetProperty("ratio").ValueKind.Should().Be(JsonValueKind.Number);
        }

        var keys = await redis.Server.CliAsync("--scan", "--pattern", "herald-bench:*");
        keys.Should().BeEmpty("the benchmark deletes the keys it wrote");
    }
}
