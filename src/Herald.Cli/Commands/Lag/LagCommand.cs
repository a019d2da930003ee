using System.CommandLine;
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
    public static Command Create()
    {
        var watch = new WatchOptions(defaultInterval: "1s");
        return watch.AddTo(new Command("lag", "Show how far every consumer group and queue is behind: lag, pending work, oldest ages, consumers, pauses."))
            .WithHandler((context, parseResult, cancellationToken) => RunAsync(context, parseResult, watch.Read(parseResult), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, WatchSettings watch, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var collector = new LagCollector(session.Inspector);
        await Watcher.RunAsync(context, watch, collector.CollectAsync, static json => json.LagSnapshot, Table, cancellationToken);
        return ExitCodes.Success;
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
