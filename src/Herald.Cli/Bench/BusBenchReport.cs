namespace Herald.Cli.Bench;

/// <summary>What <c>herald bench streams|lists|pubsub|tasks</c> measured; the JSON shape of <c>--json</c>.</summary>
/// <param name="Transport">streams, lists, pubsub or tasks.</param>
/// <param name="Environment">Where it ran.</param>
/// <param name="DurationSeconds">Seconds of each phase.</param>
/// <param name="BodyBytes">Bytes per message body.</param>
/// <param name="Throughput">The closed-loop phase: producer and consumer in separate processes (for tasks, a message is a task, handled once its <c>succeeded</c> state is written).</param>
/// <param name="Latency">The paced phase: end-to-end latency at <see cref="BusBench.PacedRate"/> msg/s (for tasks, enqueue to the <c>succeeded</c> state written).</param>
/// <param name="Ceiling">redis-benchmark on the transport's write command, same server, same run; null without it.</param>
/// <param name="RedisBenchmark">Whether the comparison ran, and why not.</param>
/// <param name="Targets">The goals with their measured values and pass marks (none for tasks, which have no stated goals).</param>
internal sealed record BusBenchReport(
    string Transport,
    BenchEnvironment Environment,
    double DurationSeconds,
    int BodyBytes,
    BusThroughput Throughput,
    BusLatency Latency,
    BusCeiling? Ceiling,
    RedisBenchmarkStatus RedisBenchmark,
    IReadOnlyList<TargetCheck> Targets)
{
    /// <summary>The consumer alone draining a backlog (streams, lists and tasks; null for Pub/Sub, which keeps no backlog).</summary>
    public BusDrain? Drain { get; init; }

    /// <summary>How the consumer process consumed: handlers (task runs) at once and prefetch.</summary>
    public BusBenchConsumerSettings? Consumer { get; init; }

    /// <summary>Everything sent and handled over the whole run, warm-up included.</summary>
    public BusTotals? Totals { get; init; }
}

/// <summary>
/// Messages (tasks) sent in all phases, and handled by the consumer process when it stopped. Streams, lists and
/// tasks are waited for until the two are equal, so a difference there is a loss; Pub/Sub may drop.
/// </summary>
internal sealed record BusTotals(long Sent, long Handled);

/// <summary>
/// The consumer process draining a backlog published while it was paused: its per-message CPU time here does
/// not depend on how producer and consumer happen to share the machine, which is what makes it comparable.
/// </summary>
/// <param name="Messages">Messages handled from the resume until the backlog was gone.</param>
/// <param name="Seconds">Wall-clock seconds of the drain (consumer's own clock, to 100 ms).</param>
/// <param name="MessagesPerSecond">Messages per second while draining.</param>
/// <param name="ConsumerCpuMicrosecondsPerMessage">Consumer CPU (user + sys) per message, microseconds.</param>
/// <param name="ConsumerAllocatedBytesPerMessage">Bytes the consumer allocated per message.</param>
internal sealed record BusDrain(long Messages, double Seconds, double MessagesPerSecond, double ConsumerCpuMicrosecondsPerMessage, double ConsumerAllocatedBytesPerMessage);

/// <summary>
/// The throughput phase, with CPU seconds each process spent in it (to see which one is the bottleneck), and
/// each .NET process's CPU time and allocation per message: those hold when other work shares the machine.
/// </summary>
internal sealed record BusThroughput(
    long Published,
    long Handled,
    double Seconds,
    double MessagesPerSecond,
    double ProducerCpuSeconds,
    double ConsumerCpuSeconds,
    double RedisCpuSeconds,
    double? Ratio)
{
    /// <summary>Producer process CPU (user + sys) per message published, microseconds.</summary>
    public double ProducerCpuMicrosecondsPerMessage { get; init; }

    /// <summary>Consumer process CPU (user + sys) per message handled, microseconds.</summary>
    public double ConsumerCpuMicrosecondsPerMessage { get; init; }

    /// <summary>Bytes the producer allocated per message published.</summary>
    public double ProducerAllocatedBytesPerMessage { get; init; }

    /// <summary>Bytes the consumer allocated per message handled.</summary>
    public double ConsumerAllocatedBytesPerMessage { get; init; }

    /// <summary>Messages published and handled before the measured window (to leave JIT tiering out of it).</summary>
    public long WarmUpMessages { get; init; }
}

/// <summary>
/// The paced phase: end-to-end latency from the envelope time to the consumer's handler; for tasks, from the
/// envelope time to the moment the worker's state write (<c>succeeded</c> and the result) has returned.
/// </summary>
internal sealed record BusLatency(double RatePerSecond, long Messages, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds, double? RedisBenchmarkP50Milliseconds, double? RedisBenchmarkP99Milliseconds)
{
    /// <summary>How the paced phase's latencies spread: messages per band, ascending.</summary>
    public IReadOnlyList<LatencyBand> Histogram { get; init; } = [];
}

/// <summary>One band of a latency histogram: messages at or above the previous band's bound and below <paramref name="BelowMilliseconds"/> (null: above every bound).</summary>
internal sealed record LatencyBand(double? BelowMilliseconds, long Messages)
{
    /// <summary>The bands <c>herald bench</c> reports, in milliseconds: fine below 1 ms, where the targets are.</summary>
    public static IReadOnlyList<double> Bounds { get; } = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10];

    /// <summary>The bands of <paramref name="histogram"/>.</summary>
    public static IReadOnlyList<LatencyBand> Of(LatencyHistogram histogram)
    {
        var counts = histogram.Distribution([.. Bounds.Select(static ms => (long)(ms * 1_000_000))]);
        return [.. counts.Select((count, i) => new LatencyBand(i < Bounds.Count ? Bounds[i] : null, count))];
    }
}

/// <summary>redis-benchmark on the command the transport writes with: <c>-c 50 -P 16</c> for the ceiling, <c>-c 1</c> for latency.</summary>
internal sealed record BusCeiling(string Command, double PipelinedOpsPerSecond, double SingleClientP50Milliseconds, double SingleClientP99Milliseconds);

/// <summary>What the consumer process reports back through Redis when told to stop.</summary>
internal sealed record BusConsumerResult(long Handled, long LatencyCount, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds)
{
    /// <summary>The latency histogram of the paced phase.</summary>
    public IReadOnlyList<LatencyBand> Histogram { get; init; } = [];
}
