using System.Diagnostics.Metrics;
using Herald.Tasks;
using Herald.Tasks.Workers;

namespace Herald.Cli.Bench;

/// <summary>
/// <c>herald bench tasks</c>: the bus benchmark run through the task queue. The producer enqueues no-op tasks
/// with <see cref="TaskClient"/>; the consumer process runs a <see cref="TaskWorker"/> whose task returns a
/// small result, so every task takes the whole task path: claimed (state <c>started</c>), run, its result and
/// state <c>succeeded</c> written and announced, its message acknowledged.
/// </summary>
internal static class TaskBench
{
    public const string Transport = "tasks";

    /// <summary>The queue the tasks go through; the same name as the <c>lists</c> bench's queue.</summary>
    public const string Queue = "bench";

    /// <summary>The task of the warm-up, throughput and drain phases.</summary>
    public const string TaskName = "bench.noop";

    /// <summary>The same no-op under another name for the paced phase, so that its latencies can be picked out.</summary>
    public const string PacedTaskName = "bench.paced";

    /// <summary>How long the state and result of each task are kept: long enough for the run, short enough that an interrupted run's states go away by themselves.</summary>
    public static readonly TimeSpan ResultTtl = TimeSpan.FromMinutes(10);

    /// <summary>The worker's defaults in the benchmark: short tasks want a deep prefetch and many at once.</summary>
    public static BusBenchConsumerSettings DefaultWorker { get; } = new(128, 512);
}

/// <summary>Enqueues the benchmark's tasks: batches with <see cref="TaskClient.EnqueueManyAsync{TArgs}"/>, paced ones one by one.</summary>
internal sealed class TaskBenchLoad(HeraldClient bus) : BusBenchLoad
{
    private readonly TaskClient _tasks = bus.CreateTaskClient(options => options.DefaultQueue = TaskBench.Queue);
    private readonly byte[][] _batch = Enumerable.Repeat(Body((byte)'T'), BatchSize).ToArray();
    private readonly byte[] _paced = Body(BusBench.PacedMarker);

    public override async ValueTask SendBatchAsync(CancellationToken cancellationToken) =>
        await _tasks.EnqueueManyAsync(TaskBench.TaskName, _batch, cancellationToken: cancellationToken);

    public override async ValueTask SendPacedAsync(CancellationToken cancellationToken) =>
        await _tasks.EnqueueAsync(TaskBench.PacedTaskName, _paced, cancellationToken: cancellationToken);
}

/// <summary>
/// A task worker running the no-op task. Its count is the worker's own <see cref="TaskWorkerStatistics.Succeeded"/>,
/// which moves once the <c>succeeded</c> state is written. Latency is read from the bus's own
/// <c>herald.message.latency</c> histogram (docs/observability.md), which the consumer pipeline records when a
/// message's handling is over: for a task, after the worker wrote its result and state, before the acknowledgement.
/// Its value is then that moment minus the envelope's <c>time</c> (stamped by the producer when it enqueued).
/// The listener is switched on only for the paced phase: with it on, every task pays for the tags and clock reads.
/// </summary>
internal sealed class TaskBenchSink : BusBenchSink
{
    private const string LatencyInstrument = "herald.message.latency";
    private static readonly byte[] s_result = "ok"u8.ToArray();
    private readonly TaskWorker _worker;
    private readonly MeterListener _listener;

    private TaskBenchSink(TaskWorker worker, LatencyRecorder latency)
    {
        _worker = worker;
        _listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Herald" && instrument.Name == LatencyInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string? type = null;
            string? outcome = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "herald.message.type":
                        type = tag.Value as string;
                        break;
                    case "herald.outcome":
                        outcome = tag.Value as string;
                        break;
                }
            }

            if (type == TaskBench.PacedTaskName && outcome == "success")
            {
                latency.Record((long)(seconds * 1e9));
            }
        });
    }

    public override long Handled => _worker.Statistics.Succeeded;

    public static async Task<TaskBenchSink> StartAsync(HeraldClient bus, BusBenchConsumerSettings settings, LatencyRecorder latency, CancellationToken cancellationToken)
    {
        static void Settings(TaskSettings settings) => settings.ResultTtl = TaskBench.ResultTtl;
        static ValueTask<byte[]> Run(ReadOnlyMemory<byte> args, TaskContext context, CancellationToken cancellationToken) => ValueTask.FromResult(s_result);

        var worker = await bus.CreateTaskWorker(options =>
            {
                options.Queues.Clear();
                options.Queues.Add(TaskBench.Queue);
                options.Concurrency = settings.Concurrency;
                options.Prefetch = settings.Prefetch;
            })
            .Register<ReadOnlyMemory<byte>, byte[]>(TaskBench.TaskName, Run, Settings)
            .Register<ReadOnlyMemory<byte>, byte[]>(TaskBench.PacedTaskName, Run, Settings)
            .StartAsync(cancellationToken);
        return new TaskBenchSink(worker, latency);
    }

    public override void Pause()
    {
        foreach (var consumer in _worker.Consumers)
        {
            consumer.Pause();
        }
    }

    public override void Resume()
    {
        foreach (var consumer in _worker.Consumers)
        {
            consumer.Resume();
        }
    }

    public override void StartLatency() => _listener.Start();

    public override async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _worker.DisposeAsync();
    }
}
