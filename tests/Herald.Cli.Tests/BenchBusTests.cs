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

    [Fact]
    public async Task BenchTasks_ShortJsonRun_RunsEveryEnqueuedTaskAndReportsItsFigures()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "bench", "tasks", "--duration", "1", "--concurrency", "64", "--prefetch", "128", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("transport").GetString().Should().Be("tasks");
        root.GetProperty("consumer").GetProperty("concurrency").GetInt32().Should().Be(64, "--concurrency goes to the worker process");
        root.GetProperty("consumer").GetProperty("prefetch").GetInt32().Should().Be(128);

        var throughput = root.GetProperty("throughput");
        var enqueued = throughput.GetProperty("published").GetInt64();
        enqueued.Should().BePositive();
        throughput.GetProperty("handled").GetInt64().Should().Be(enqueued, "every task enqueued in the window succeeded within it");
        throughput.GetProperty("warmUpMessages").GetInt64().Should().BePositive();
        var seconds = throughput.GetProperty("seconds").GetDouble();
        seconds.Should().BePositive();
        throughput.GetProperty("messagesPerSecond").GetDouble().Should().BeApproximately(enqueued / seconds, enqueued / seconds * 0.01, "throughput is tasks succeeded over the window");
        throughput.GetProperty("consumerCpuMicrosecondsPerMessage").GetDouble().Should().BePositive("the worker runs in its own process and reports its CPU");
        throughput.GetProperty("producerCpuMicrosecondsPerMessage").GetDouble().Should().BePositive();
        throughput.GetProperty("consumerAllocatedBytesPerMessage").GetDouble().Should().BePositive();

        // A take already waiting when the worker paused may bring the first of the backlog in before the resume.
        var drain = root.GetProperty("drain");
        drain.GetProperty("messages").GetInt64().Should().BeInRange(100_000 - 128, 100_000, "the worker alone runs the backlog enqueued while it was paused");
        drain.GetProperty("messagesPerSecond").GetDouble().Should().BePositive();
        var totals = root.GetProperty("totals");
        totals.GetProperty("sent").GetInt64().Should().Be(throughput.GetProperty("warmUpMessages").GetInt64() + enqueued + 100_000 + 1_000, "warm-up, throughput, drain and paced tasks");
        totals.GetProperty("handled").GetInt64().Should().Be(totals.GetProperty("sent").GetInt64(), "every task enqueued ran and succeeded");

        var latency = root.GetProperty("latency");
        latency.GetProperty("messages").GetInt64().Should().Be(1_000, "every paced task (1,000/s for 1 s) is recorded once it succeeded");
        latency.GetProperty("p50Milliseconds").GetDouble().Should().BePositive();
        latency.GetProperty("p99Milliseconds").GetDouble().Should().BeGreaterThanOrEqualTo(latency.GetProperty("p50Milliseconds").GetDouble());
        latency.GetProperty("maxMilliseconds").GetDouble().Should().BeGreaterThanOrEqualTo(latency.GetProperty("p99Milliseconds").GetDouble());
        latency.GetProperty("histogram").EnumerateArray().Sum(b => b.GetProperty("messages").GetInt64()).Should().Be(1_000);
        root.GetProperty("targets").GetArrayLength().Should().Be(0, "no goals are stated for tasks");

        if (root.GetProperty("redisBenchmark").GetProperty("available").GetBoolean())
        {
            root.GetProperty("ceiling").GetProperty("command").GetString().Should().StartWith("LPUSH");
            throughput.GetProperty("ratio").GetDouble().Should().BePositive();
        }

        var keys = await redis.Server.CliAsync("--scan", "--pattern", "herald-bench:*");
        keys.Should().BeEmpty("the benchmark deletes the task states and queues it wrote");
    }
}
