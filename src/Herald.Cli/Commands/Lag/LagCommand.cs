using System.CommandLine;
using System.Text.Json;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Lag;

/// <summary>
/// <c>herald lag [--watch]</c>: how far every consumer group and queue is behind. Once by default; with <c>--watch</c>
/// a table refreshed in place on a terminal, or one JSON line per refresh when piped or with <c>--json</c>, until
/// Ctrl+C or <c>--duration</c> (both exit 0: stopping is how a watch ends).
/// </summary>
internal static class LagCommand
{
    private static CliJsonContext? s_lines;

    // JSON lines: the CLI's settings, one object per line.
    private static CliJsonContext Lines => s_lines ??= new(new JsonSerializerOptions(CliJsonContext.Output.Options) { TypeInfoResolver = null, WriteIndented = false });

    public static Command Create()
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh until Ctrl+C: in place on a terminal, else one JSON line per refresh." };
        var interval = new Option<string>("--interval", "-n") { Description = "Time between refreshes (500ms, 1s, 5s).", DefaultValueFactory = _ => "1s", HelpName = "duration" };
        var duration = new Option<string?>("--duration", "-d") { Description = "Stop watching after this long (30s, 10m); default: until Ctrl+C.", HelpName = "duration" };
        return new Command("lag", "Show how far every consumer group and queue is behind: lag, pending work, oldest ages, consumers, pauses.")
        {
            watch,
            interval,
            duration,
        }.WithHandler((context, parseResult, cancellationToken) =>
        {
            var every = TimeArguments.ParseDuration(parseResult.GetRequiredValue(interval), "--interval");
            if (every < TimeSpan.FromMilliseconds(100))
            {
                throw new CliUsageException("--interval must be at least 100ms.");
            }

            var limit = parseResult.GetValue(duration) is { } text ? TimeArguments.ParseDuration(text, "--duration") : (TimeSpan?)null;
            return RunAsync(context, parseResult, parseResult.GetValue(watch), every, limit, cancellationToken);
        });
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, bool watch, TimeSpan interval, TimeSpan? duration, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var collector = new LagCollector(session.Inspector);
        if (!watch)
        {
            context.Write(await collector.CollectAsync(cancellationToken), CliJsonContext.Output.LagSnapshot, (console, snapshot) => console.Write(Table(snapshot, null)));
            return ExitCodes.Success;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration is { } limit && limit > TimeSpan.Zero)
        {
            run.CancelAfter(limit);
        }

        if (!context.Json && context.Console.Profile.Capabilities.Interactive)
        {
            var first = await collector.CollectAsync(cancellationToken);
            await context.Console.Live(Table(first, interval)).AutoClear(false).StartAsync(display =>
                WatchAsync(collector, interval, snapshot => { display.UpdateTarget(Table(snapshot, interval)); display.Refresh(); }, run.Token));
        }
        else
        {
            context.WriteJson(await collector.CollectAsync(cancellationToken), Lines.LagSnapshot);
            await WatchAsync(collector, interval, snapshot => context.WriteJson(snapshot, Lines.LagSnapshot), run.Token);
        }

        return ExitCodes.Success;
    }

    // Shows a fresh snapshot every interval until stopped; the first one is already on screen.
    private static async Task WatchAsync(LagCollector collector, TimeSpan interval, Action<LagSnapshot> show, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                show(await collector.CollectAsync(cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or --duration: the normal end of a watch.
        }
    }

    private static Table Table(LagSnapshot snapshot, TimeSpan? interval)
    {
        var title = Figures.Invariant($"lag · prefix {snapshot.Prefix} · {snapshot.Time.ToLocalTime():HH:mm:ss}")
            + (interval is { } every ? $" · every {Figures.Age(every)}, Ctrl+C to stop" : string.Empty);
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn("Destination")
            .AddColumn("Group")
            .AddColumn(new TableColumn("Lag").RightAligned())
            .AddColumn(new TableColumn("Lag/s").RightAligned())
            .AddColumn(new TableColumn("Pending").RightAligned())
            .AddColumn(new TableColumn("Oldest waiting").RightAligned())
            .AddColumn(new TableColumn("Oldest pending").RightAligned())
            .AddColumn(new TableColumn("Consumers").RightAligned())
            .AddColumn(new TableColumn("Dead").RightAligned())
            .AddColumn("Paused");
        foreach (var row in snapshot.Rows)
        {
            var lag = (row.LagAccuracy == "atLeast" ? "≥" : string.Empty) + Figures.Count(row.Lag);
            table.AddRow(
                new Text(row.Destination),
                new Text(row.Group ?? "(queue)"),
                row.Lag == 0 ? new Text(lag) : new Markup($"[yellow]{lag}[/]"),
                new Text(row.LagChangePerSecond is { } change ? Figures.Invariant($"{change:+0.#;-0.#;0}") : "-"),
                new Text(Figures.Count(row.Pending)),
                new Text(Figures.Age(row.OldestWaitingAgeSeconds)),
                new Text(Figures.Age(row.OldestPendingAgeSeconds)),
                row.Consumers == 0 && row.Lag > 0 ? new Markup("[red]0[/]") : new Text(Figures.Count(row.Consumers)),
                row.DeadLetters == 0 ? new Text("0") : new Markup($"[red]{Figures.Count(row.DeadLetters)}[/]"),
                row.Paused ? new Markup("[yellow]paused[/]") : new Text("-"));
        }

        if (snapshot.Rows.Count == 0)
        {
            table.Caption("no consumer groups or queues under this prefix");
        }

        return table;
    }
}
