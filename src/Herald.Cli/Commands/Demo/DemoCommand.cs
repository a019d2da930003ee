using System.CommandLine;
using System.Diagnostics;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Demo;

/// <summary>
/// <c>herald demo</c>: runs a small shop on the configured Redis (stream, queue and channel with workers and
/// a few failing messages), shows it live, prints a summary and removes its keys.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMilliseconds(500);

    // After the producers stop: long enough for the last delayed retries to reach the dead-letter store.
    private static readonly TimeSpan s_drainLimit = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var duration = new Option<double>("--duration", "-d")
        {
            Description = "Seconds to run; 0 runs until Ctrl+C.",
            DefaultValueFactory = _ => 30,
            HelpName = "seconds",
        }.InRange(0, 86_400);

        return new Command(
            "demo",
            "Run a live demo on the configured Redis: a producer, a stream with a consumer group of two workers, a list queue, "
            + "a Pub/Sub channel and a task queue, with a few deliberately failing messages that end as dead letters. Uses a private key prefix "
            + "(herald-demo:<random>) and deletes it at the end.")
        {
            duration,
        }.WithHandler((context, parseResult, cancellationToken) =>
            RunAsync(context, TimeSpan.FromSeconds(parseResult.GetValue(duration)), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var redis = await context.ConnectAsync(cancellationToken);
        await using var scenario = await DemoScenario.StartAsync(redis, cancellationToken);
        var live = !context.Json && context.Console.Profile.Capabilities.Interactive;
        DemoSummary? summary = null;
        try
        {
            summary = live
                ? await context.Console.Live(DemoView.Waiting()).AutoClear(false)
                    .StartAsync(display => RunScenarioAsync(context, scenario, redis, duration, snapshot => { display.UpdateTarget(DemoView.Live(snapshot, duration)); display.Refresh(); }, cancellationToken))
                : await RunScenarioAsync(context, scenario, redis, duration, context.Json ? null : snapshot => DemoView.WriteLine(context.Output, snapshot), cancellationToken);
        }
        finally
        {
            using var cleanUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var deleted = await scenario.CleanUpAsync(cleanUp.Token);
            if (summary is not null)
            {
                summary = summary with { KeysDeleted = deleted };
            }
        }

        context.Write(summary, CliJsonContext.Output.DemoSummary, DemoView.Summary);
        return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static async Task<DemoSummary> RunScenarioAsync(
        CliContext context, DemoScenario scenario, Herald.Redis.RedisClient redis, TimeSpan duration, Action<DemoSnapshot>? show, CancellationToken cancellationToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration > TimeSpan.Zero)
        {
            run.CancelAfter(duration);
        }

        var started = Stopwatch.GetTimestamp();
        var producer = scenario.ProduceAsync(run.Token);
        using var timer = new PeriodicTimer(s_refresh);
        var plainEvery = 0;

        // A PeriodicTimer allows one pending wait: a tick still pending when the producer ends is awaited by the drain.
        Task? tick = null;
        while (!producer.IsCompleted)
        {
            tick ??= timer.WaitForNextTickAsync(CancellationToken.None).AsTask();
            await Task.WhenAny(producer, tick);
            if (tick.IsCompleted)
            {
                tick = null;
            }

            var figures = await scenario.SampleAsync(wholeRun: false, 0, CancellationToken.None);
            if (show is not null && (context.Console.Profile.Capabilities.Interactive || plainEvery++ % 2 == 1))
            {
                show(new DemoSnapshot(Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1), figures, Draining: false));
            }
        }

        await producer;
        var produced = Stopwatch.GetElapsedTime(started);

        // Let the workers finish and the failing messages run out of retries; Ctrl+C cuts this short.
        var drainStarted = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(drainStarted) < s_drainLimit && !cancellationToken.IsCancellationRequested)
        {
            var figures = await scenario.SampleAsync(wholeRun: false, 0, CancellationToken.None);
            show?.Invoke(new DemoSnapshot(Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1), figures, Draining: true));
            if (DemoScenario.IsSettled(figures))
            {
                break;
            }

            await (tick ?? timer.WaitForNextTickAsync(CancellationToken.None).AsTask());
            tick = null;
        }

        var totals = await scenario.SampleAsync(wholeRun: true, produced.TotalSeconds, CancellationToken.None);
        var letters = await scenario.DeadLettersAsync(20, CancellationToken.None);
        return new DemoSummary(
            context.RedisDisplayUrl,
            scenario.Prefix,
            Math.Round(produced.TotalSeconds, 2),
            totals,
            letters,
            totals.Sum(static f => f.DeadLetters),
            0);
    }
}
