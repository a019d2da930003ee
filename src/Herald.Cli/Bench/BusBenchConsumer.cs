using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.Cli.Output;
using Herald.Consuming;
using Herald.Redis;
using Herald.Redis.Commands;

namespace Herald.Cli.Bench;

/// <summary>
/// The consumer half of <c>herald bench streams|lists|pubsub</c>, run as a second process (hidden command
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
        return new Command("bench-consumer", "Internal: the consumer process of herald bench streams|lists|pubsub.")
        {
            Hidden = true,
            Options = { transport, prefix },
        }.WithHandler((context, parseResult, cancellationToken) =>
            RunAsync(context, parseResult.GetValue(transport)!, parseResult.GetValue(prefix)!, cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, string transport, string prefix, CancellationToken cancellationToken)
    {
        using var allocations = AllocationSampler.StartIfAsked();
        await using var redis = await context.ConnectAsync(cancellationToken);
        var control = new BusBenchControl(prefix);
        await using var bus = await BusBench.CreateBusAsync(redis, prefix, cancellationToken);
        var latency = new LatencyHistogram();
        var latencyLock = new Lock();
        long handled = 0;
        var time = TimeProvider.System;
        await using var consumer = await bus.Consume(BusBench.DestinationFor(transport, prefix), options =>
            {
                options.Group = "bench";
                options.StartFrom = "0";
                options.Concurrency = 16;
                options.Prefetch = 2048;
                options.BatchSize = 512;
                options.ValidateMessages = false;
                options.Retry.InProcessRetries = 0;
            })
            .HandleAny((message, _) =>
            {
                Interlocked.Increment(ref handled);
                if (message.Message.Span[0] == BusBench.PacedMarker)
                {
                    var nanoseconds = (time.GetUtcNow() - message.PublishedAt).Ticks * 100;
                    lock (latencyLock)
                    {
                        latency.Record(Math.Max(0, nanoseconds));
                    }
                }

                return ValueTask.CompletedTask;
            })
            .StartAsync(cancellationToken);

        await redis.StringSetAsync(control.Ready, "1", cancellationToken: cancellationToken);
        using var timer = new PeriodicTimer(s_report);
        var paused = false;
        do
        {
            // The producer pauses the consumer to build a backlog, then measures how it drains.
            var pause = await redis.KeyExistsAsync(control.Pause, cancellationToken);
            if (pause && !paused)
            {
                consumer.Pause();
                paused = true;
                await redis.StringSetAsync(control.Paused, "1", cancellationToken: cancellationToken);
            }
            else if (!pause && paused)
            {
                await redis.StringSetAsync(control.Resumed, BusConsumerProgress.Now(Interlocked.Read(ref handled)).Format(), cancellationToken: cancellationToken);
                consumer.Resume();
                paused = false;
            }

            await redis.StringSetAsync(control.Handled, BusConsumerProgress.Now(Interlocked.Read(ref handled)).Format(), cancellationToken: cancellationToken);
        }
        while (!await redis.KeyExistsAsync(control.Stop, cancellationToken) && await timer.WaitForNextTickAsync(cancellationToken));

        BusConsumerResult result;
        lock (latencyLock)
        {
            static double Ms(double nanoseconds) => Math.Round(nanoseconds / 1e6, 3);
            result = latency.Count == 0
                ? new BusConsumerResult(Interlocked.Read(ref handled), 0, 0, 0, 0)
                : new BusConsumerResult(Interlocked.Read(ref handled), latency.Count, Ms(latency.ValueAtPercentile(50)), Ms(latency.ValueAtPercentile(99)), Ms(latency.Max))
                {
                    Histogram = LatencyBand.Of(latency),
                };
        }

        allocations?.Report(Console.Error, "consumer");
        await redis.StringSetAsync(control.Result, JsonSerializer.Serialize(result, CliJsonContext.Output.BusConsumerResult), cancellationToken: cancellationToken);
        return ExitCodes.Success;
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
}
