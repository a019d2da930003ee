using Herald.Consuming;

namespace Herald.Cli.Bench;

/// <summary>
/// The consuming side of a bus benchmark, in the consumer process: a no-op consumer on a transport
/// (<see cref="MessageBenchSink"/>) or a task worker (<see cref="TaskBenchSink"/>). The process around it
/// (<see cref="BusBenchConsumer"/>) reports its count, pauses and resumes it, and returns its latencies.
/// </summary>
internal abstract class BusBenchSink : IAsyncDisposable
{
    /// <summary>Messages handled (for tasks: runs whose <c>succeeded</c> state is written) since the start.</summary>
    public abstract long Handled { get; }

    public abstract void Pause();

    public abstract void Resume();

    /// <summary>
    /// Called before the paced phase. A sink that records latency only from then on (its recording costs every
    /// message something, which would count against the throughput phase) starts here.
    /// </summary>
    public virtual void StartLatency()
    {
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>How the consumer process consumes: the options <c>herald bench-consumer</c> passes on.</summary>
/// <param name="Concurrency">Handlers (task runs) at once.</param>
/// <param name="Prefetch">Messages taken ahead of the handlers (for tasks, 0 means one per free slot).</param>
internal sealed record BusBenchConsumerSettings(int Concurrency, int Prefetch)
{
    /// <summary>The no-op consumers of streams, lists and pubsub.</summary>
    public static BusBenchConsumerSettings Messages { get; } = new(16, 2048);
}

/// <summary>A no-op consumer of raw bodies; latency is recorded in the handler for bodies marked <see cref="BusBench.PacedMarker"/>.</summary>
internal sealed class MessageBenchSink : BusBenchSink
{
    private readonly LatencyRecorder _latency;
    private readonly TimeProvider _time = TimeProvider.System;
    private Consumer? _consumer;
    private long _handled;

    private MessageBenchSink(LatencyRecorder latency) => _latency = latency;

    public override long Handled => Interlocked.Read(ref _handled);

    private Consumer Consumer => _consumer ?? throw new InvalidOperationException("not started.");

    public static async Task<MessageBenchSink> StartAsync(HeraldClient bus, Destination destination, BusBenchConsumerSettings settings, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        var sink = new MessageBenchSink(latency);
        sink._consumer = await bus.Consume(destination, options =>
            {
                options.Group = "bench";
                options.StartFrom = "0";
                options.Concurrency = settings.Concurrency;
                options.Prefetch = settings.Prefetch;
                options.BatchSize = 512;
                options.ValidateMessages = false;
                options.Retry.InProcessRetries = 0;
            })
            .HandleAny((message, _) => sink.Handle(message))
            .StartAsync(cancellationToken);
        return sink;
    }

    public override void Pause() => Consumer.Pause();

    public override void Resume() => Consumer.Resume();

    public override ValueTask DisposeAsync() => _consumer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ValueTask Handle(MessageContext<ReadOnlyMemory<byte>> message)
    {
        Interlocked.Increment(ref _handled);
        if (message.Message.Span[0] == BusBench.PacedMarker)
        {
            _latency.Record((_time.GetUtcNow() - message.PublishedAt).Ticks * 100);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The consumer process's latencies, recorded from any thread; its result for the producer.</summary>
internal sealed class LatencyRecorder
{
    private readonly LatencyHistogram _histogram = new();
    private readonly Lock _lock = new();

    public void Record(long nanoseconds)
    {
        lock (_lock)
        {
            _histogram.Record(Math.Max(0, nanoseconds));
        }
    }

    public BusConsumerResult Result(long handled)
    {
        static double Ms(double nanoseconds) => Math.Round(nanoseconds / 1e6, 3);
        lock (_lock)
        {
            return _histogram.Count == 0
                ? new BusConsumerResult(handled, 0, 0, 0, 0)
                : new BusConsumerResult(handled, _histogram.Count, Ms(_histogram.ValueAtPercentile(50)), Ms(_histogram.ValueAtPercentile(99)), Ms(_histogram.Max))
                {
                    Histogram = LatencyBand.Of(_histogram),
                };
        }
    }
}
