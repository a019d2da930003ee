namespace Herald.Cli.Bench;

/// <summary>Everything <c>herald bench resp</c> measured; the JSON shape of <c>--json</c>. Ratios are herald / redis-benchmark.</summary>
/// <param name="HeraldVersion">The CLI's informational version (with the commit when the build knew it).</param>
/// <param name="Environment">Where it ran.</param>
/// <param name="Settings">What was asked for.</param>
/// <param name="Throughput">Closed-loop throughput per command and caller count, each beside redis-benchmark with as many clients.</param>
/// <param name="Latency">Single-caller round trips beside <c>redis-benchmark -c 1</c>.</param>
/// <param name="Allocation">Managed bytes allocated per command in steady state.</param>
/// <param name="PipelinedCeiling"><c>redis-benchmark -c 50 -P 16</c>: the server's ceiling with deep pipelining; null without redis-benchmark.</param>
/// <param name="RedisBenchmark">Whether the comparison ran, and why not.</param>
/// <param name="Targets">The goals, each with its measured value and a pass mark (null when it could not be judged).</param>
internal sealed record RespBenchReport(
    string HeraldVersion,
    BenchEnvironment Environment,
    BenchSettings Settings,
    IReadOnlyList<ThroughputFigure> Throughput,
    IReadOnlyList<LatencyFigure> Latency,
    AllocationFigure Allocation,
    PipelinedCeiling? PipelinedCeiling,
    RedisBenchmarkStatus RedisBenchmark,
    IReadOnlyList<TargetCheck> Targets);

/// <summary>The machine, runtime and server the figures belong to.</summary>
internal sealed record BenchEnvironment(
    string Url,
    string Endpoint,
    string ServerVersion,
    int Protocol,
    int ProcessorCount,
    string? CpuModel,
    string OperatingSystem,
    string Runtime,
    bool ServerGarbageCollector);

/// <summary>The run's parameters.</summary>
internal sealed record BenchSettings(double DurationSeconds, double WarmupSeconds, int ValueSize, IReadOnlyList<int> Callers);

/// <summary>One throughput phase and its redis-benchmark counterpart.</summary>
internal sealed record ThroughputFigure(
    string Command,
    int Callers,
    long Commands,
    double Seconds,
    double OpsPerSecond,
    double? RedisBenchmarkOpsPerSecond,
    double? Ratio);

/// <summary>Single-caller round trips in microseconds.</summary>
internal sealed record LatencyFigure(
    string Command,
    long Samples,
    double P50Microseconds,
    double P90Microseconds,
    double P99Microseconds,
    double P999Microseconds,
    double MaxMicroseconds,
    double? RedisBenchmarkP50Microseconds,
    double? RedisBenchmarkP99Microseconds,
    double? P50Ratio);

/// <summary>
/// <c>GC.GetTotalAllocatedBytes(precise: true)</c> over the measured window of <see cref="Phase"/>, divided by
/// the commands completed in it. Process-wide: it includes the client's reader and writer loops.
/// </summary>
internal sealed record AllocationFigure(string Phase, long Commands, long Bytes, double BytesPerCommand);

/// <summary>redis-benchmark with pipelining: what the server can do when the client is nearly free.</summary>
internal sealed record PipelinedCeiling(int Clients, int Pipeline, double SetOpsPerSecond, double GetOpsPerSecond);

/// <summary>Whether redis-benchmark ran; <see cref="Note"/> says why not, or what went wrong.</summary>
internal sealed record RedisBenchmarkStatus(bool Available, string? Path, string? Note);

/// <summary>One goal: <see cref="Value"/> compared with <see cref="Limit"/> (<see cref="AtLeast"/> or at most).</summary>
internal sealed record TargetCheck(string Name, string Goal, double? Value, double Limit, bool AtLeast, bool? Passed);
