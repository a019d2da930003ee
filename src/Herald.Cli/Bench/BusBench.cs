using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Herald.Cli.Output;
using Herald.Redis;
using Herald.Redis.Commands;

namespace Herald.Cli.Bench;

/// <summary>
/// The end-to-end bus benchmark: this process publishes (or enqueues tasks), a second <c>herald bench-consumer</c>
/// process consumes with a no-op handler (or runs them in a task worker). A closed-loop phase measures throughput (published until the consumer has handled
/// them all), a paced phase end-to-end latency; redis-benchmark measures the server's ceiling for the same
/// write command in the same run. Keys live under <c>herald-bench:&lt;random&gt;</c> and are deleted after.
/// </summary>
internal sealed class BusBench
{
    public const int BodyBytes = 100;
    public const int PacedRate = 1_000;
    public const byte PacedMarker = (byte)'L';
    private const int Publishers = 8;
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(3);
    private const long DrainMessages = 100_000;
    private const int CleanUpPage = 500;
    private const long WarmUpBacklog = 100_000;
    private static readonly TimeSpan s_throttlePause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);
    // A backstop only: a consumer whose count stands still for two seconds ends the wait anyway. A slow task
    // worker can need minutes for the backlog a fast producer leaves after the warm-up.
    private static readonly TimeSpan s_catchUpLimit = TimeSpan.FromMinutes(10);

    private readonly RedisClient _redis;
    private readonly RedisOptions _options;
    private readonly string _redisUrl;
    private readonly string _transport;
    private readonly TimeSpan _duration;
    private readonly BusBenchConsumerSettings _consumerSettings;
    private readonly string _prefix = "herald-bench:" + Guid.NewGuid().ToString("N")[..8];
    private readonly BusBenchControl _control;
    private long _sent;

    public BusBench(RedisClient redis, RedisOptions options, string redisUrl, string transport, TimeSpan duration, BusBenchConsumerSettings consumerSettings)
    {
        _consumerSettings = consumerSettings;
        _redis = redis;
        _redisUrl = redisUrl;
        _options = options;
        _transport = transport;
        _duration = duration;
        _control = new BusBenchControl(_prefix);
    }

    /// <summary>Targets from the brief: msg/s per transport, and latency at the paced rate; none is set for tasks.</summary>
    public static double? ThroughputTarget(string transport) => transport switch
    {
        "streams" => 150_000,
        "lists" => 100_000,
        "pubsub" => 250_000,
        _ => null,
    };

    public static Destination DestinationFor(string transport, string prefix) => transport switch
    {
        "streams" => Destination.Stream("bench"),
        "lists" or TaskBench.Transport => Destination.Queue(TaskBench.Queue),
        "pubsub" => Destination.Channel(prefix + ":bench"),
        _ => throw new CliUsageException($"unknown transport '{transport}'."),
    };

    public static async Task<HeraldClient> CreateBusAsync(RedisClient redis, string prefix, CancellationToken cancellationToken) =>
        await HeraldClient.CreateBuilder().UseRedis(redis).Configure(options =>
        {
            options.KeyPrefix = prefix;
            options.Source = "herald-bench";
            options.ValidateOnPublish = false;
        }).BuildAsync(cancellationToken);

    public async Task<BusBenchReport> RunAsync(IBenchProgress progress, CancellationToken cancellationToken)
    {
        using var allocations = AllocationSampler.StartIfAsked();
        using var consumer = StartConsumerProcess();
        try
        {
            await using var bus = await CreateBusAsync(_redis, _prefix, cancellationToken);
            var load = BusBenchLoad.Create(_transport, bus, _prefix);
            using (progress.Start("starting the consumer process", timed: false))
            {
                await WaitForAsync(async () => await _redis.KeyExistsAsync(_control.Ready, cancellationToken), consumer, TimeSpan.FromSeconds(30), cancellationToken);
            }

            BusThroughput throughput;
            using (var phase = progress.Start($"{_transport} throughput", timed: true))
            {
                throughput = await MeasureThroughputAsync(load, consumer, phase.Report, cancellationToken);
            }

            BusDrain? drain = null;
            if (_transport != "pubsub")
            {
                using var phase = progress.Start($"{_transport} backlog drain", timed: false);
                drain = await MeasureDrainAsync(load, consumer, throughput, cancellationToken);
            }

            using (var phase = progress.Start($"{_transport} latency at {PacedRate} msg/s", timed: true))
            {
                await PacedAsync(load, consumer, phase.Report, cancellationToken);
                if (_transport != "pubsub")
                {
                    // Every paced message handled before the consumer is told to stop, so none is missing from its latencies.
                    await CatchUpAsync(Interlocked.Read(ref _sent), consumer, cancellationToken);
                }
            }

            allocations?.Report(Console.Error, "producer");
            await _redis.StringSetAsync(_control.Stop, "1", cancellationToken: cancellationToken);
            string? resultJson = null;
            await WaitForAsync(async () => (resultJson = await _redis.StringGetAsync(_control.Result, cancellationToken)) is not null, consumer, TimeSpan.FromSeconds(30), cancellationToken);
            var result = JsonSerializer.Deserialize(resultJson!, CliJsonContext.Output.BusConsumerResult)!;
            await consumer.WaitForExitAsync(cancellationToken);

            var tool = RedisBenchmarkTool.Locate(_options, out var note);
            BusCeiling? ceiling = null;
            if (tool is not null && _redis.Endpoint is { } endpoint)
            {
                using var phase = progress.Start("redis-benchmark", timed: false);
                try
                {
                    ceiling = await CeilingAsync(tool, endpoint, throughput.MessagesPerSecond, cancellationToken);
                }
                catch (RedisBenchmarkException exception)
                {
                    note = exception.Message;
                }
            }

            throughput = throughput with { Ratio = ceiling is { PipelinedOpsPerSecond: > 0 } ? Math.Round(throughput.MessagesPerSecond / ceiling.PipelinedOpsPerSecond, 3) : null };
            var latency = new BusLatency(PacedRate, result.LatencyCount, result.P50Milliseconds, result.P99Milliseconds, result.MaxMilliseconds,
                ceiling?.SingleClientP50Milliseconds, ceiling?.SingleClientP99Milliseconds)
            {
                Histogram = result.Histogram,
            };
            return new BusBenchReport(
                _transport,
                await RespBench.DescribeEnvironmentAsync(_redis, _options, cancellationToken),
                _duration.TotalSeconds,
                BodyBytes,
                throughput,
                latency,
                ceiling,
                new RedisBenchmarkStatus(tool is not null && ceiling is not null, tool?.ExecutablePath, note),
                Targets(_transport, throughput, latency))
            {
                Drain = drain,
                Consumer = _consumerSettings,
                Totals = new BusTotals(Interlocked.Read(ref _sent), result.Handled),
            };
        }
        finally
        {
            if (!consumer.HasExited)
            {
                consumer.Kill(entireProcessTree: true);
            }

            await CleanUpAsync();
        }
    }

    internal static IReadOnlyList<TargetCheck> Targets(string transport, BusThroughput throughput, BusLatency latency)
    {
        if (ThroughputTarget(transport) is not { } target)
        {
            return [];
        }

        return
        [
            new($"{transport} throughput (msg/s)", $">= {target:N0}", throughput.MessagesPerSecond, target, true, throughput.MessagesPerSecond >= target),
            new($"latency p50 at {PacedRate} msg/s (ms)", "<= 0.5", latency.P50Milliseconds, 0.5, false, latency.Messages > 0 ? latency.P50Milliseconds <= 0.5 : null),
            new($"latency p99 at {PacedRate} msg/s (ms)", "<= 1", latency.P99Milliseconds, 1, false, latency.Messages > 0 ? latency.P99Milliseconds <= 1 : null),
        ];
    }

    private async Task<BusThroughput> MeasureThroughputAsync(BusBenchLoad load, Process consumer, Action<double> report, CancellationToken cancellationToken)
    {
        // An unmeasured warm-up, so that the measured window is the steady state and not the JIT compiling
        // and re-compiling (tiering, with an instrumented tier between) the hot paths of both processes:
        // with a warm-up of 20,000 messages both still spent most of the measured window in the JIT and in
        // instrumented code, 3-4x the CPU per message of the same run with the JIT's tiering turned off.
        // Its backlog is bounded: a task worker runs several times fewer tasks per second than the producer
        // enqueues, and working off three seconds of unbounded enqueueing made the warm-up last 20 s and more.
        // Pub/Sub keeps no backlog (and drops), so its handled count may never come near what was sent.
        var warmUp = await PublishAsync(load, long.MaxValue, s_warmUp, static _ => { }, cancellationToken, _transport == "pubsub" ? long.MaxValue : WarmUpBacklog);
        var consumerBefore = await CatchUpAsync(warmUp, consumer, cancellationToken);

        var cpuBefore = await CpuAsync(consumer, cancellationToken);
        var producerAllocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var started = TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        var published = await PublishAsync(load, long.MaxValue, _duration, report, cancellationToken);
        var consumerAfter = await CatchUpAsync(consumerBefore.Handled + published, consumer, cancellationToken);

        // Until the consumer's first report of its final count; it reports every 100 ms, so that may be up to that late.
        var seconds = (consumerAfter.Wall - started).TotalSeconds;
        var cpuAfter = await CpuAsync(consumer, cancellationToken);
        var producerAllocated = GC.GetTotalAllocatedBytes(precise: false) - producerAllocatedBefore;
        var handled = consumerAfter.Handled - consumerBefore.Handled;
        static double PerMessage(double total, long messages) => messages > 0 ? total / messages : 0;
        return new BusThroughput(published, handled, Math.Round(seconds, 3), Math.Round(handled / seconds, 1),
            Math.Round(cpuAfter.Producer - cpuBefore.Producer, 2), Math.Round(cpuAfter.Consumer - cpuBefore.Consumer, 2), Math.Round(cpuAfter.Redis - cpuBefore.Redis, 2), null)
        {
            ProducerCpuMicrosecondsPerMessage = Math.Round(PerMessage((cpuAfter.Producer - cpuBefore.Producer) * 1e6, published), 2),
            ConsumerCpuMicrosecondsPerMessage = Math.Round(PerMessage((consumerAfter.Cpu - consumerBefore.Cpu).TotalMicroseconds, handled), 2),
            ProducerAllocatedBytesPerMessage = Math.Round(PerMessage(producerAllocated, published), 1),
            ConsumerAllocatedBytesPerMessage = Math.Round(PerMessage(consumerAfter.AllocatedBytes - consumerBefore.AllocatedBytes, handled), 1),
            WarmUpMessages = warmUp,
        };
    }

    // The consumer alone: paused while a backlog is published, then timed (CPU and wall clock) as it drains
    // it. Its batches are then always full, so the figure does not move with how the producer is scheduled.
    private async Task<BusDrain> MeasureDrainAsync(BusBenchLoad load, Process consumer, BusThroughput throughput, CancellationToken cancellationToken)
    {
        await _redis.StringSetAsync(_control.Pause, "1", cancellationToken: cancellationToken);
        await WaitForAsync(async () => await _redis.KeyExistsAsync(_control.Paused, cancellationToken), consumer, TimeSpan.FromSeconds(10), cancellationToken);
        var published = await PublishAsync(load, DrainMessages, TimeSpan.MaxValue, static _ => { }, cancellationToken);
        // Streams, lists and tasks deliver each message once: the consumer is done when it has handled all ever published.
        var expected = throughput.WarmUpMessages + throughput.Published + published;
        await _redis.KeyDeleteAsync(_control.Pause, cancellationToken);
        string? resumedText = null;
        await WaitForAsync(async () => (resumedText = await _redis.StringGetAsync(_control.Resumed, cancellationToken)) is not null, consumer, TimeSpan.FromSeconds(10), cancellationToken);
        var resumed = BusConsumerProgress.Parse(resumedText);
        var done = await CatchUpAsync(expected, consumer, cancellationToken);
        var messages = done.Handled - resumed.Handled;
        var seconds = (done.Wall - resumed.Wall).TotalSeconds;
        return new BusDrain(
            messages,
            Math.Round(seconds, 3),
            seconds > 0 ? Math.Round(messages / seconds, 1) : 0,
            messages > 0 ? Math.Round((done.Cpu - resumed.Cpu).TotalMicroseconds / messages, 2) : 0,
            messages > 0 ? Math.Round((double)(done.AllocatedBytes - resumed.AllocatedBytes) / messages, 1) : 0);
    }

    // Closed loop: publishers send batches until the count or the time is reached; returns how many were sent.
    // With maxAhead, sending pauses while more than that many sent messages are not handled yet.
    private async Task<long> PublishAsync(BusBenchLoad load, long count, TimeSpan duration, Action<double> report, CancellationToken cancellationToken, long maxAhead = long.MaxValue)
    {
        long reserved = 0;
        long published = 0;
        var throttled = false;
        var started = Stopwatch.GetTimestamp();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration != TimeSpan.MaxValue)
        {
            stop.CancelAfter(duration);
        }

        var publishers = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (Volatile.Read(ref throttled))
                {
                    await Task.Delay(s_throttlePause, cancellationToken);
                    continue;
                }

                if (Interlocked.Add(ref reserved, BusBenchLoad.BatchSize) > count)
                {
                    break;
                }

                await load.SendBatchAsync(cancellationToken);
                Interlocked.Add(ref published, BusBenchLoad.BatchSize);
                Interlocked.Add(ref _sent, BusBenchLoad.BatchSize);
            }
        }, cancellationToken)).ToArray();
        var all = Task.WhenAll(publishers);
        while (!all.IsCompleted)
        {
            report(Math.Min(1, Stopwatch.GetElapsedTime(started) / duration));
            if (maxAhead != long.MaxValue)
            {
                var handled = BusConsumerProgress.Parse(await _redis.StringGetAsync(_control.Handled, cancellationToken)).Handled;
                Volatile.Write(ref throttled, Interlocked.Read(ref _sent) - handled > maxAhead);
            }

            await Task.WhenAny(Task.Delay(s_poll, cancellationToken), all);
        }

        await all;
        return Interlocked.Read(ref published);
    }

    // Until the consumer has handled `expected` in all (Pub/Sub may drop: then until its count stops moving).
    private async Task<BusConsumerProgress> CatchUpAsync(long expected, Process consumer, CancellationToken cancellationToken)
    {
        var progress = BusConsumerProgress.Zero;
        var lastMove = Stopwatch.GetTimestamp();
        var catchUp = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(catchUp) < s_catchUpLimit)
        {
            // The first report of the final count is kept: its time and CPU are when the consumer got there,
            // not up to two seconds later, when a Pub/Sub run that dropped messages is known to be over.
            var now = BusConsumerProgress.Parse(await _redis.StringGetAsync(_control.Handled, cancellationToken));
            if (now.Handled != progress.Handled || ReferenceEquals(progress, BusConsumerProgress.Zero))
            {
                lastMove = Stopwatch.GetTimestamp();
                progress = now;
            }

            if (progress.Handled >= expected || Stopwatch.GetElapsedTime(lastMove) > TimeSpan.FromSeconds(2) || consumer.HasExited)
            {
                break;
            }

            await Task.Delay(s_poll, cancellationToken);
        }

        return progress;
    }

    private async Task PacedAsync(BusBenchLoad load, Process consumer, Action<double> report, CancellationToken cancellationToken)
    {
        await _redis.StringSetAsync(_control.Measure, "1", cancellationToken: cancellationToken);
        await WaitForAsync(async () => await _redis.KeyExistsAsync(_control.Measuring, cancellationToken), consumer, TimeSpan.FromSeconds(10), cancellationToken);
        var total = (long)(PacedRate * _duration.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / PacedRate);
            var ahead = due - Stopwatch.GetElapsedTime(started);
            if (ahead > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(ahead, cancellationToken);
            }

            await load.SendPacedAsync(cancellationToken);
            Interlocked.Increment(ref _sent);
            if (i % 100 == 0)
            {
                report((double)i / total);
            }
        }
    }

    private async Task<BusCeiling> CeilingAsync(RedisBenchmarkTool tool, RedisEndpoint endpoint, double measured, CancellationToken cancellationToken)
    {
        var value = new string('x', BodyBytes);
        var key = _prefix + ":redis-benchmark";
        string[] command = _transport switch
        {
            "streams" => ["XADD", key, "*", "data", value],
            "lists" or TaskBench.Transport => ["LPUSH", key, value],
            _ => ["PUBLISH", key, value],
        };
        var requests = (long)Math.Clamp(measured * 3 * _duration.TotalSeconds, 100_000, 20_000_000);
        var pipelined = await tool.RunCommandAsync(_options, endpoint, new RedisBenchmarkLoad(RespBench.PipelinedClients, RespBench.PipelineDepth, requests, BodyBytes), command, cancellationToken);
        await _redis.KeyDeleteAsync(key, cancellationToken);
        var single = await tool.RunCommandAsync(_options, endpoint, new RedisBenchmarkLoad(1, 1, (long)Math.Max(1_000, PacedRate * _duration.TotalSeconds), BodyBytes), command, cancellationToken);
        await _redis.KeyDeleteAsync(key, cancellationToken);
        return new BusCeiling(string.Join(' ', command.Take(command.Length - 1)).Replace(key, "<key>", StringComparison.Ordinal) + $" <{BodyBytes} bytes>", pipelined.RequestsPerSecond, single.P50Milliseconds, single.P99Milliseconds);
    }

    // CPU seconds of this process, the consumer process and the Redis server (INFO cpu), to say which one limits.
    private async Task<(double Producer, double Consumer, double Redis)> CpuAsync(Process consumer, CancellationToken cancellationToken)
    {
        consumer.Refresh();
        var info = await _redis.ExecuteAsync(new RedisCommand("INFO", "cpu"), RespParsers.String, cancellationToken) ?? string.Empty;
        double Field(string name) => info.Split('\n').Select(static l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            && double.TryParse(line[(name.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            consumer.HasExited ? 0 : consumer.TotalProcessorTime.TotalSeconds,
            Field("used_cpu_user") + Field("used_cpu_sys"));
    }

    private Process StartConsumerProcess()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell how this process was started.");
        var start = new ProcessStartInfo(processPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            RedirectStandardInput = true,
        };
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(BusBench).Assembly.Location);
        }

        // Through the environment, not the command line: the URL may carry a password, and ps shows arguments.
        start.Environment[CliGlobalOptions.RedisVariable] = _redisUrl;
        foreach (var argument in new[] { "bench-consumer", "--transport", _transport, "--prefix", _prefix,
            "--concurrency", _consumerSettings.Concurrency.ToString(CultureInfo.InvariantCulture), "--prefetch", _consumerSettings.Prefetch.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the consumer process.");
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        return process;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Process consumer, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (consumer.HasExited)
            {
                throw new InvalidOperationException($"the consumer process exited with code {consumer.ExitCode}.");
            }

            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"the consumer process did not answer within {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(s_poll, cancellationToken);
        }
    }

    private async Task CleanUpAsync()
    {
        try
        {
            // A tasks run leaves a state hash per task, hundreds of thousands of keys: deleted page by page as
            // the scan goes (a scan still returns every key that exists throughout it), not gathered first.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var page = new List<string>(CleanUpPage);
            await foreach (var key in _redis.KeyScanAsync(new KeyScanOptions { Pattern = _prefix + ":*", PageSize = CleanUpPage }, timeout.Token))
            {
                page.Add(key);
                if (page.Count == CleanUpPage)
                {
                    await _redis.KeyDeleteAsync(CollectionsMarshal.AsSpan(page), timeout.Token);
                    page.Clear();
                }
            }

            if (page.Count > 0)
            {
                await _redis.KeyDeleteAsync(CollectionsMarshal.AsSpan(page), timeout.Token);
            }
        }
        catch (Exception exception) when (exception is HeraldException or OperationCanceledException)
        {
            // Best effort: the keys are named herald-bench:* and can be removed by hand.
        }
    }
}
