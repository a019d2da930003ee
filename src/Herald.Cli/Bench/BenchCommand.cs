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
        var duration = new Option<double>("--duration")
        {
            Description = "Seconds of the throughput phase and of the paced latency phase.",
            DefaultValueFactory = _ => 5,
            HelpName = "seconds",
        }.InRange(0.1, 3600);
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
            RunBusAsync(context, transport, TimeSpan.FromSeconds(parseResult.GetValue(duration)), cancellationToken));
    }

    private static async Task<int> RunBusAsync(CliContext context, string transport, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var client = await context.ConnectAsync(cancellationToken);
        var bench = new BusBench(client, context.RedisOptions, context.RedisUrl, transport, duration);
        BusBenchReport report;
        if (context.Json || !context.Console.Profile.Capabilities.Interactive)
        {
            report = await bench.RunAsync(SilentBenchProgress.Instance, cancellationToken);
        }
        else
        {
            report = await context.Console.Progress()
                .AutoRefresh(false)
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(progress => bench.RunAsync(new SpectreBenchProgress(progress), cancellationToken));
        }

        context.Write(report, CliJsonContext.Output.BusBenchReport, BusBenchView.Render);
        return ExitCodes.Success;
    }

    private static async Task<int> RunAsync(CliContext context, RespBenchSettings settings, CancellationToken cancellationToken)
    {
        await using var client = await context.ConnectAsync(cancellationToken);
        RespBenchReport report;
        if (context.Json || !context.Console.Profile.Capabilities.Interactive)
        {
            report = await new RespBench(client, context.RedisOptions, settings, SilentBenchProgress.Instance).RunAsync(cancellationToken);
        }
        else
        {
            report = await context.Console.Progress()
                .AutoRefresh(false)
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(progress => new RespBench(client, context.RedisOptions, settings, new SpectreBenchProgress(progress)).RunAsync(cancellationToken));
        }

        context.Write(report, CliJsonContext.Output.RespBenchReport, RespBenchView.Render);
        return ExitCodes.Success;
    }
}
