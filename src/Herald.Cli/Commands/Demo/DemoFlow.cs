using Herald.Cli.Bench;

namespace Herald.Cli.Commands.Demo;

/// <summary>
/// What happened on one destination: counters bumped by the producer and the handlers, and the end-to-end
/// latency (envelope time to handled) of every handled message. Thread-safe.
/// </summary>
internal sealed class DemoFlow(string name, string kind, Destination destination, string deadLetterKey)
{
    private readonly LatencyHistogram _latency = new();
    private readonly Lock _latencyLock = new();
    private long _published;
    private long _handled;
    private long _failures;

    public string Name { get; } = name;

    public string Kind { get; } = kind;

    public Destination Destination { get; } = destination;

    /// <summary>The dead-letter stream the engine moves this destination's exhausted messages to.</summary>
    public string DeadLetterKey { get; } = deadLetterKey;

    public long Published => Interlocked.Read(ref _published);

    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Handler invocations that threw (each retry counts).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public void AddPublished(int count) => Interlocked.Add(ref _published, count);

    public void AddFailure() => Interlocked.Increment(ref _failures);

    public void AddHandled(TimeSpan latency)
    {
        Interlocked.Increment(ref _handled);
        lock (_latencyLock)
        {
            _latency.Record(Math.Max(0, latency.Ticks * 100));
        }
    }

    /// <summary>p50 and p99 in milliseconds, or zero before the first message.</summary>
    public (double P50, double P99) Percentiles()
    {
        lock (_latencyLock)
        {
            return _latency.Count == 0
                ? (0, 0)
                : (Math.Round(_latency.ValueAtPercentile(50) / 1e6, 3), Math.Round(_latency.ValueAtPercentile(99) / 1e6, 3));
        }
    }
}
