using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;
using Herald.Redis;

namespace Herald.Cli.Bench;

/// <summary>
/// The RESP benchmark: SET and GET throughput from 1, 16 and 256 concurrent callers on one multiplexed
/// client, single-caller latency, steady-state allocation per command, each beside redis-benchmark run
/// on the same server in the same invocation, and the targets judged from them.
/// </summary>
internal sealed class RespBench
{
    public const int PipelinedClients = 50;
    public const int PipelineDepth = 16;
    public const double ThroughputTarget = 0.5;
    public const double LatencyTarget = 1.3;
    public const double AllocationTarget = 8;

    private static readonly int[] s_callers = [1, 16, 256];
    private static readonly BenchOperation[] s_commands = [BenchOperation.Set, BenchOperation.Get];

    private readonly RedisClient _client;
    private readonly RedisOptions _options;
    private readonly RespBenchSettings _settings;
    private readonly IBenchProgress _progress;
    private RedisBenchmarkTool? _tool;
    private string? _toolNote;

    public RespBench(RedisClient client, RedisOptions options, RespBenchSettings settings, IBenchProgress progress)
    {
        _client = client;
        _options = options;
        _settings = settings;
        _progress = progress;
    }

    public async Task<RespBenchReport> RunAsync(CancellationToken cancellationToken)
    {
        _tool = RedisBenchmarkTool.Locate(_options, out _toolNote);
        var toolPath = _tool?.ExecutablePath;
        var load = new RespLoad(_client, s_callers[^1], _settings.ValueSize);
        var duration = _settings.Duration;
        try
        {
            foreach (var command in s_commands)
            {
                using var phase = _progress.Start($"warm-up {command.Name()} x 16", timed: true);
                await load.RunAsync(command, 16, _settings.Warmup, recordLatency: false, measureAllocation: false, phase.Report, cancellationToken);
            }

            var throughput = new List<ThroughputFigure>();
            var latency = new List<LatencyFigure>();
            AllocationFigure? allocation = null;
            foreach (var callers in s_callers)
            {
                var ours = new Dictionary<BenchOperation, LoadResult>();
                foreach (var command in s_commands)
                {
                    using var phase = _progress.Start($"herald {command.Name()} x {callers}", timed: true);
                    var measureAllocation = callers == s_callers[^1] && command == BenchOperation.Set;
                    var result = await load.RunAsync(command, callers, duration, recordLatency: callers == 1, measureAllocation, phase.Report, cancellationToken);
                    ours[command] = result;
                    allocation ??= result.Allocation;
                }

                var requests = (long)(Math.Max(ours[BenchOperation.Set].OpsPerSecond, ours[BenchOperation.Get].OpsPerSecond) * duration.TotalSeconds);
                var theirs = await RunRedisBenchmarkAsync(callers, pipeline: 1, requests, cancellationToken);
                foreach (var command in s_commands)
                {
                    var figures = theirs?.GetValueOrDefault(command.Name());
                    throughput.Add(Throughput(command, callers, ours[command], figures));
                    if (ours[command].Latency is { } histogram)
                    {
                        latency.Add(Latency(command, histogram, figures));
                    }
                }
            }

            var best = throughput.Where(static f => f.Callers == s_callers[^1]).Max(static f => f.OpsPerSecond);
            var pipelined = await RunRedisBenchmarkAsync(PipelinedClients, PipelineDepth, (long)(2 * best * duration.TotalSeconds), cancellationToken);
            var ceiling = pipelined is null
                ? null
                : new PipelinedCeiling(PipelinedClients, PipelineDepth, pipelined["SET"].RequestsPerSecond, pipelined["GET"].RequestsPerSecond);
            allocation ??= new AllocationFigure("none", 0, 0, 0);

            return new RespBenchReport(
                HeraldVersion(),
                await DescribeEnvironmentAsync(_client, _options, cancellationToken),
                new BenchSettings(duration.TotalSeconds, _settings.Warmup.TotalSeconds, _settings.ValueSize, s_callers),
                throughput,
                latency,
                allocation,
                ceiling,
                new RedisBenchmarkStatus(_tool is not null, toolPath, _toolNote),
                Targets(throughput, latency, allocation, ceiling));
        }
        finally
        {
            await CleanUpAsync(load.Keys, toolPath is not null);
        }
    }

    internal static IReadOnlyList<TargetCheck> Targets(
        IReadOnlyList<ThroughputFigure> throughput, IReadOnlyList<LatencyFigure> latency, AllocationFigure allocation, PipelinedCeiling? ceiling)
    {
        var checks = new List<TargetCheck>();
        foreach (var figure in throughput.Where(static f => f.Callers == s_callers[^1]))
        {
            var limit = figure.Command == "SET" ? ceiling?.SetOpsPerSecond : ceiling?.GetOpsPerSecond;
            checks.Add(Check(
                $"{figure.Command} throughput, {figure.Callers} callers",
                $">= {ThroughputTarget}x redis-benchmark -c {PipelinedClients} -P {PipelineDepth}",
                limit is > 0 ? Math.Round(figure.OpsPerSecond / limit.Value, 3) : null,
                ThroughputTarget,
                atLeast: true));
        }

        foreach (var figure in latency)
        {
            checks.Add(Check($"{figure.Command} p50, 1 caller", $"<= {LatencyTarget}x redis-benchmark -c 1 p50", figure.P50Ratio, LatencyTarget, atLeast: false));
        }

        checks.Add(Check(
            $"allocated bytes per command ({allocation.Phase})", $"<= {AllocationTarget} B (a few bytes)", allocation.BytesPerCommand, AllocationTarget, atLeast: false));
        return checks;
    }

    private static TargetCheck Check(string name, string goal, double? value, double limit, bool atLeast) =>
        new(name, goal, value, limit, atLeast, value is { } measured ? (atLeast ? measured >= limit : measured <= limit) : null);

    private static ThroughputFigure Throughput(BenchOperation command, int callers, LoadResult ours, RedisBenchmarkFigures? theirs) =>
        new(command.Name(),
            callers,
            ours.Commands,
            Math.Round(ours.Elapsed.TotalSeconds, 3),
            Math.Round(ours.OpsPerSecond, 1),
            theirs?.RequestsPerSecond,
            theirs is { RequestsPerSecond: > 0 } ? Math.Round(ours.OpsPerSecond / theirs.RequestsPerSecond, 3) : null);

    private static LatencyFigure Latency(BenchOperation command, LatencyHistogram histogram, RedisBenchmarkFigures? theirs)
    {
        static double Microseconds(double nanoseconds) => Math.Round(nanoseconds / 1000, 1);
        static double? FromMilliseconds(double? milliseconds) => milliseconds is { } ms && !double.IsNaN(ms) ? Math.Round(ms * 1000, 1) : null;

        var p50 = Microseconds(histogram.ValueAtPercentile(50));
        var theirP50 = FromMilliseconds(theirs?.P50Milliseconds);
        return new LatencyFigure(
            command.Name(),
            histogram.Count,
            p50,
            Microseconds(histogram.ValueAtPercentile(90)),
            Microseconds(histogram.ValueAtPercentile(99)),
            Microseconds(histogram.ValueAtPercentile(99.9)),
            Microseconds(histogram.Max),
            theirP50,
            FromMilliseconds(theirs?.P99Milliseconds),
            theirP50 is > 0 ? Math.Round(p50 / theirP50.Value, 3) : null);
    }

    private async Task<IReadOnlyDictionary<string, RedisBenchmarkFigures>?> RunRedisBenchmarkAsync(
        int clients, int pipeline, long requests, CancellationToken cancellationToken)
    {
        if (_tool is null || _client.Endpoint is not { } endpoint)
        {
            return null;
        }

        var load = new RedisBenchmarkLoad(clients, pipeline, Math.Clamp(requests, 1_000, 100_000_000), _settings.ValueSize);
        var description = pipeline > 1 ? $"redis-benchmark -c {clients} -P {pipeline}" : $"redis-benchmark -c {clients}";
        using var phase = _progress.Start(description, timed: false);
        try
        {
            return await _tool.RunAsync(_options, endpoint, load, cancellationToken);
        }
        catch (RedisBenchmarkException exception)
        {
            // The comparison is a bonus: without it the figures still stand, only the ratios are missing.
            _toolNote = exception.Message;
            _tool = null;
            return null;
        }
    }

    /// <summary>The machine, runtime and server; shared by every benchmark so their reports compare.</summary>
    internal static async Task<BenchEnvironment> DescribeEnvironmentAsync(RedisClient client, RedisOptions options, CancellationToken cancellationToken) =>
        new(options.ToString(),
            client.Endpoint?.ToString() ?? string.Empty,
            client.ServerVersion,
            client.ProtocolVersion,
            Environment.ProcessorCount,
            await CpuModelAsync(cancellationToken),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            GCSettings.IsServerGC);

    private async Task CleanUpAsync(IReadOnlyList<string> keys, bool redisBenchmarkRan)
    {
        // redis-benchmark without -r writes this one literal key.
        var names = redisBenchmarkRan ? keys.Append("key:__rand_int__") : keys;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.ExecuteAsync(new RedisCommand("DEL", [.. names.Select(static key => (RedisArg)key)]), RespParsers.Ignore, timeout.Token);
        }
        catch (Exception exception) when (exception is HeraldException or OperationCanceledException)
        {
            // Best effort: a failed run may have lost the connection; the keys are small and named herald:{bench-resp}:*.
        }
    }

    private static async Task<string?> CpuModelAsync(CancellationToken cancellationToken)
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return null;
        }

        foreach (var line in await File.ReadAllLinesAsync(cpuInfo, cancellationToken))
        {
            if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static string HeraldVersion() =>
        typeof(RespBench).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RespBench).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}

/// <summary>The options of <c>herald bench resp</c>.</summary>
/// <param name="Duration">How long each phase runs.</param>
/// <param name="ValueSize">Bytes per SET value (and so per GET reply).</param>
internal sealed record RespBenchSettings(TimeSpan Duration, int ValueSize)
{
    /// <summary>Per command before measuring: long enough for tiered JIT to settle, short for quick runs.</summary>
    public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Clamp(Duration.TotalSeconds / 5, 0.5, 2));
}
