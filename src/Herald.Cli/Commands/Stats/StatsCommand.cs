using System.CommandLine;
using Herald.Cli.Operations;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Herald.Cli.Commands.Stats;

/// <summary>
/// <c>herald stats [--watch]</c>: the deployment at a glance. Messages published, processed and failed per minute
/// over a window, the workers, and the destinations' lag, pending work and dead letters in sum.
/// </summary>
internal static class StatsCommand
{
    private static readonly TimeSpan s_longestWindow = TimeSpan.FromHours(24);

    // The trend column: one character per minute up to this, summed runs of minutes beyond.
    private const int TrendWidth = 60;

    public static Command Create()
    {
        var watch = new WatchOptions(defaultInterval: "2s");
        var window = new Option<string>("--window") { Description = "How much throughput history to show (15m, 1h, up to 24h), in whole minutes.", DefaultValueFactory = _ => "15m", HelpName = "duration" };
        var command = new Command("stats", "Show the deployment at a glance: published, processed and failed per minute over a window, workers live and stale, destinations, total lag, pending work and dead letters.")
        {
            window,
        };
        return watch.AddTo(command).WithHandler((context, parseResult, cancellationToken) =>
        {
            var history = TimeArguments.ParseDuration(parseResult.GetRequiredValue(window), "--window");
            if (history < TimeSpan.FromMinutes(1) || history > s_longestWindow)
            {
                throw new CliUsageException("--window must be between 1m and 24h.");
            }

            return RunAsync(context, parseResult, watch.Read(parseResult), history, cancellationToken);
        });
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, WatchSettings watch, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var collector = new StatsCollector(session.Inspector, window);
        await Watcher.RunAsync(context, watch, collector.CollectAsync, static json => json.StatsSnapshot, Render, cancellationToken);
        return ExitCodes.Success;
    }

    private static IRenderable Render(StatsSnapshot snapshot, TimeSpan? interval)
    {
        var throughput = snapshot.Throughput;
        var title = Figures.Invariant($"stats · prefix {snapshot.Prefix} · {snapshot.Time.ToLocalTime():HH:mm:ss} · last {throughput.WindowMinutes}m")
            + (interval is { } every ? $" · every {Figures.Age(every)}, Ctrl+C to stop" : string.Empty);
        var table = new Table().Title(Markup.Escape(title))
            .AddColumn("Messages")
            .AddColumn(new TableColumn("This minute").RightAligned())
            .AddColumn(new TableColumn("Last minute").RightAligned())
            .AddColumn(new TableColumn("Avg/min").RightAligned())
            .AddColumn(new TableColumn(Figures.Invariant($"Total {throughput.WindowMinutes}m")).RightAligned())
            .AddColumn(Figures.Invariant($"Per minute, oldest → now"));
        AddRow(table, "Published", static c => c.Published, static r => r.Published, throughput, color: null);
        AddRow(table, "Processed", static c => c.Processed, static r => r.Processed, throughput, color: null);
        AddRow(table, "Failed", static c => c.Failed, static r => r.Failed, throughput, color: "red");

        var workers = snapshot.Workers;
        var destinations = snapshot.Destinations;
        var workerLine = workers.Live + workers.Stale == 0
            ? "[grey]Workers: none (no client running consumers has announced itself)[/]"
            : Figures.Invariant($"Workers: [green]{workers.Live} live[/], ")
                + (workers.Stale == 0 ? "0 stale" : Figures.Invariant($"[red]{workers.Stale} stale[/]"))
                + Figures.Invariant($" · {Figures.Count(workers.Consumers)} consumers · concurrency {Figures.Count(workers.Concurrency)} · in flight {Figures.Count(workers.InFlight)}");
        var destinationLine = Figures.Invariant($"Destinations: {destinations.Streams} stream(s), {destinations.Queues} queue(s) · lag ")
            + Highlight(destinations.Lag, "yellow") + " · pending " + Figures.Count(destinations.Pending)
            + " · dead letters " + Highlight(destinations.DeadLetters, "red")
            + (destinations.Paused == 0 ? string.Empty : Figures.Invariant($" · [yellow]{destinations.Paused} paused[/]"));
        return new Rows(table, new Markup(workerLine), new Markup(destinationLine));
    }

    private static void AddRow(Table table, string name, Func<StatsCounts, long> count, Func<StatsRates, double> rate, StatsThroughput throughput, string? color)
    {
        var total = count(throughput.Total);
        var trend = Sparkline.Draw([.. throughput.Minutes.Select(m => count(new StatsCounts(m.Published, m.Processed, m.Failed)))], TrendWidth);
        table.AddRow(
            new Text(name),
            new Text(Figures.Count(count(throughput.CurrentMinute))),
            new Text(Figures.Count(count(throughput.PreviousMinute))),
            new Text(Figures.Rate(rate(throughput.AveragePerMinute))),
            new Text(Figures.Count(total)),
            color is not null && total > 0 ? new Markup($"[{color}]{trend}[/]") : new Text(trend));
    }

    private static string Highlight(long value, string color) =>
        value == 0 ? "0" : $"[{color}]{Figures.Count(value)}[/]";
}
