using System.CommandLine;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Bench;

/// <summary><c>herald bench …</c>: load generators that measure Herald against Redis' own tools.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Herald against the Redis server and redis-benchmark.");
        bench.Subcommands.Add(CreateResp());
        foreach (var transport in new[] { "streams", "lists", "pubsub" })
        {
            bench.Subcommands.Add(CreateBus(transport));
        }

        bench.Subcommands.Add(CreateTasks());

        return bench;
    }

    private static Command CreateResp()
    {
        var duration = new Option<double>("--duration")
        {
            Description = "Seconds each phase runs.",
            DefaultValueFactory = _ => 5,
            HelpName = "seconds",
        }.InRange(0.1, 3600);
        var valueSize = new Option<int>("--value-size")
        {
            Description = "Bytes per SET value.",
            DefaultValueFactory = _ => 64,
            HelpName = "bytes",
        }.InRange(1, 16 * 1024 * 1024);

        var command = new Command(
            "resp",
            "RESP client benchmark: SET/GET throughput from 1, 16 and 256 callers on one client, single-caller latency, "
            + "allocation per command, each beside redis-benchmark on the same server. Writes keys herald:{bench-resp}:* (and "
            + "redis-benchmark's key:__rand_int__) and deletes them after; do not point it at production.")
        {
            duration,
            valueSize,
        };
        return command.WithHandler((context, parseResult, cancellationToken) =>
            RunAsync(context, new RespBenchSettings(TimeSpan.FromSeconds(parseResult.GetValue(duration)), parseResult.GetValue(valueSize)), cancellationToken));
    }

    private static Command CreateBus(string transport)
    {
        var duration = DurationOption();
        var what = transport switch
        {
            "streams" => "Streams with a consumer group and acks",
            "lists" => "the reliable List queue",
            _ => "Pub/Sub delivery",
        };
        var command = new Command(
            transport,
            $"End-to-end benchmark of {what}: producer here, consumer in a second herald process, no-op handler, {BusBench.BodyBytes}-byte "
            + $"bodies; throughput, then latency at {BusBench.PacedRate} msg/s, beside redis-benchmark on the same command. Keys herald-bench:* are deleted after.")
        {
            duration,
        };
        return command.WithHandler((context, parseResult, cancellationToken) =>
            RunBusAsync(context, transport, TimeSpan.FromSeconds(parseResult.GetValue(duration)), BusBenchConsumerSettings.Messages, cancellationToken));
    }

    private static Command CreateTasks()
    {
        var duration = DurationOption();
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Tasks the worker runs at once.",
            DefaultValueFactory = _ => TaskBench.DefaultWorker.Concurrency,
            HelpName = "n",
        }.InRange(1, 10_000);
        var prefetch = new Option<int>("--prefetch")
        {
            Description = "Tasks the worker takes ahead of a free slot (0: one per free slot, the worker's own default).",
            DefaultValueFactory = _ => TaskBench.DefaultWorker.Prefetch,
            HelpName = "n",
        }.InRange(0, 100_000);
        var command = new Command(
            TaskBench.Transport,
            $"End-to-end benchmark of the task queue: tasks enqueued here (EnqueueManyAsync batches of {BusBenchLoad.BatchSize}), a task worker in a second herald "
            + $"process running a no-op task that returns a small result, {BusBench.BodyBytes}-byte arguments; throughput counts tasks whose succeeded state is "
            + $"written, then latency (enqueue to state written) at {BusBench.PacedRate} tasks/s, beside redis-benchmark LPUSH. Keys herald-bench:* are deleted after.")
        {
            duration,
            concurrency,
            prefetch,
        };
        return command.WithHandler((context, parseResult, cancellationToken) =>
            RunBusAsync(context, TaskBench.Transport, TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                new BusBenchConsumerSettings(parseResult.GetValue(concurrency), parseResult.GetValue(prefetch)), cancellationToken));
    }

    private static Option<double> DurationOption() =>
        new Option<double>("--duration")
        {
            Description = "Seconds of the throughput phase and of the paced latency phase.",
            DefaultValueFactory = _ => 5,
            HelpName = "seconds",
        }.InRange(0.1, 3600);

    private static async Task<int> RunBusAsync(CliContext context, string transport, TimeSpan duration, BusBenchConsumerSettings consumer, CancellationToken cancellationToken)
    {
        await using var client = await context.ConnectAsync(cancellationToken);
        var bench = new BusBench(client, context.RedisOptions, context.RedisUrl, transport, duration, consumer);
        var report = await WithProgressAsync(context, progress => bench.RunAsync(progress, cancellationToken));
        context.Write(report, CliJsonContext.Output.BusBenchReport, BusBenchView.Render);
        return ExitCodes.Success;
    }

    private static async Task<int> RunAsync(CliContext context, RespBenchSettings settings, CancellationToken cancellationToken)
    {
        await using var client = await context.ConnectAsync(cancellationToken);
        var report = await WithProgressAsync(context, progress => new RespBench(client, context.RedisOptions, settings, progress).RunAsync(cancellationToken));
        context.Write(report, CliJsonContext.Output.RespBenchReport, RespBenchView.Render);
        return ExitCodes.Success;
    }

    // Progress bars on a terminal; nothing for --json or redirected output, which the bars would garble.
    private static async Task<T> WithProgressAsync<T>(CliContext context, Func<IBenchProgress, Task<T>> run)
    {
        if (context.Json || !context.Console.Profile.Capabilities.Interactive)
        {
            return await run(SilentBenchProgress.Instance);
        }

        return await context.Console.Progress()
            .AutoRefresh(false)
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(progress => run(new SpectreBenchProgress(progress)));
    }
}
