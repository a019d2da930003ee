using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.Cli.Output;
using Herald.Redis;
using Herald.Redis.Commands;

namespace Herald.Cli.Bench;

/// <summary>
/// The consumer half of <c>herald bench streams|lists|pubsub|tasks</c>, run as a second process (hidden command
/// <c>herald bench-consumer</c>) so that producer and consumer do not share a CPU budget or a runtime.
/// It talks to the producer only through Redis keys under the run's prefix (<see cref="BusBenchControl"/>).
/// </summary>
internal static class BusBenchConsumer
{
    private static readonly TimeSpan s_report = TimeSpan.FromMilliseconds(100);

    public static Command Create()
    {
        var transport = new Option<string>("--transport") { Required = true };
        var prefix = new Option<string>("--prefix") { Required = true };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => BusBenchConsumerSettings.Messages.Concurrency };
        var prefetch = new Option<int>("--prefetch") { DefaultValueFactory = _ => BusBenchConsumerSettings.Messages.Prefetch };
        return new Command("bench-consumer", "Internal: the consumer process of herald bench streams|lists|pubsub|tasks.")
        {
            Hidden = true,
            Options = { transport, prefix, concurrency, prefetch },
        }.WithHandler((context, parseResult, cancellationToken) =>
            RunAsync(context, parseResult.GetValue(transport)!, parseResult.GetValue(prefix)!,
                new BusBenchConsumerSettings(parseResult.GetValue(concurrency), parseResult.GetValue(prefetch)), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, string transport, string prefix, BusBenchConsumerSettings settings, CancellationToken cancellationToken)
    {
        using var allocations = AllocationSampler.StartIfAsked();
        await using var redis = await context.ConnectAsync(cancellationToken);
        var control = new BusBenchControl(prefix);
        await using var bus = await BusBench.CreateBusAsync(redis, prefix, cancellationToken);
        var latency = new LatencyRecorder();
        BusBenchSink sink = transport == TaskBench.Transport
            ? await TaskBenchSink.StartAsync(bus, settings, latency, cancellationToken)
            : await MessageBenchSink.StartAsync(bus, BusBench.DestinationFor(transport, prefix), settings, latency, cancellationToken);

        try
        {
            await redis.StringSetAsync(control.Ready, "1", cancellationToken: cancellationToken);
            await ReportUntilStoppedAsync(redis, control, sink, cancellationToken);
        }
        finally
        {
            // Stopped before the result is read: a stop waits for the handlers (and task runs) in flight, so their latencies are in it.
            await sink.DisposeAsync();
        }

        var result = latency.Result(sink.Handled);
        allocations?.Report(Console.Error, "consumer");
        await redis.StringSetAsync(control.Result, JsonSerializer.Serialize(result, CliJsonContext.Output.BusConsumerResult), cancellationToken: cancellationToken);
        return ExitCodes.Success;
    }

    // Every 100 ms: the count for the producer, and its requests to pause, resume and record latency.
    private static async Task ReportUntilStoppedAsync(RedisClient redis, BusBenchControl control, BusBenchSink sink, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_report);
        var paused = false;
        var measuring = false;
        do
        {
            // The producer pauses the consumer to build a backlog, then measures how it drains.
            var pause = await redis.KeyExistsAsync(control.Pause, cancellationToken);
            if (pause && !paused)
            {
                sink.Pause();
                paused = true;
                await redis.StringSetAsync(control.Paused, "1", cancellationToken: cancellationToken);
            }
            else if (!pause && paused)
            {
                await redis.StringSetAsync(control.Resumed, BusConsumerProgress.Now(sink.Handled).Format(), cancellationToken: cancellationToken);
                sink.Resume();
                paused = false;
            }

            if (!measuring && await redis.KeyExistsAsync(control.Measure, cancellationToken))
            {
                sink.StartLatency();
                measuring = true;
                await redis.StringSetAsync(control.Measuring, "1", cancellationToken: cancellationToken);
            }

            await redis.StringSetAsync(control.Handled, BusConsumerProgress.Now(sink.Handled).Format(), cancellationToken: cancellationToken);
        }
        while (!await redis.KeyExistsAsync(control.Stop, cancellationToken) && await timer.WaitForNextTickAsync(cancellationToken));
    }
}

/// <summary>
/// What the consumer process reports every 100 ms: messages handled, and its own CPU time and allocated bytes
/// so far. The producer takes the difference over the throughput phase: CPU per message is the figure that
/// holds when other work shares the machine, where wall-clock throughput does not.
/// </summary>
internal sealed record BusConsumerProgress(long Handled, TimeSpan Cpu, long AllocatedBytes, TimeSpan Wall)
{
    public static BusConsumerProgress Zero { get; } = new(0, TimeSpan.Zero, 0, TimeSpan.Zero);

    public static BusConsumerProgress Now(long handled) =>
        new(handled, Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: false), TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond));

    public static BusConsumerProgress Parse(string? text)
    {
        var parts = (text ?? string.Empty).Split(' ');
        return parts.Length == 4
            ? new(Long(parts[0]), TimeSpan.FromTicks(Long(parts[1])), Long(parts[2]), TimeSpan.FromTicks(Long(parts[3])))
            : Zero;

        static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Handled} {Cpu.Ticks} {AllocatedBytes} {Wall.Ticks}");
}

/// <summary>The keys producer and consumer processes coordinate through; all under the run's private prefix.</summary>
internal sealed class BusBenchControl(string prefix)
{
    public string Ready { get; } = prefix + ":control:ready";

    public string Handled { get; } = prefix + ":control:handled";

    public string Stop { get; } = prefix + ":control:stop";

    public string Pause { get; } = prefix + ":control:pause";

    public string Paused { get; } = prefix + ":control:paused";

    public string Resumed { get; } = prefix + ":control:resumed";

    public string Result { get; } = prefix + ":control:result";

    /// <summary>Set by the producer before the paced phase; the consumer answers with <see cref="Measuring"/> once it records latency.</summary>
    public string Measure { get; } = prefix + ":control:measure";

    public string Measuring { get; } = prefix + ":control:measuring";
}
