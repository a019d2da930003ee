using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Ls;

/// <summary><c>herald ls</c>: every registered stream and queue with its length, groups, lag, pending work, oldest age and dead letters.</summary>
internal static class LsCommand
{
    // Rates over the last few minutes: recent enough to show traffic that stopped, long enough not to flicker.
    private static readonly TimeSpan s_rateWindow = TimeSpan.FromMinutes(5);

    public static Command Create() =>
        new Command("ls", "List every stream and queue Herald knows under the key prefix, with length, groups, consumers, lag, pending work, oldest age, dead letters, pauses, and published and processed per minute.")
            .WithHandler(RunAsync);

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var summaries = await session.Inspector.ListDestinationsAsync(cancellationToken);
        var throughput = (await session.Inspector.GetThroughputByDestinationAsync(s_rateWindow, cancellationToken)).ToDictionary(static t => t.Destination);
        var minutes = ThroughputRate.Minutes(s_rateWindow);
        var covered = ThroughputRate.CoveredMinutes(minutes, TimeProvider.System.GetUtcNow());
        var result = new LsResult(session.Prefix, minutes, [.. summaries.Select(summary => LsRow.From(summary, throughput.TryGetValue(summary.Destination, out var rate) ? rate : null, covered))]);
        context.Write(result, CliJsonContext.Output.LsResult, Render);
        return ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, LsResult result)
    {
        if (result.Destinations.Count == 0)
        {
            console.MarkupLineInterpolated($"No streams or queues under the key prefix '{result.Prefix}'. Wrong prefix? Pass --prefix or set ${CliGlobalOptions.PrefixVariable}.");
            return;
        }

        var table = new Table().Title(Markup.Escape($"prefix {result.Prefix}"))
            .AddColumn("Destination")
            .AddColumn(new TableColumn("Parts").RightAligned())
            .AddColumn(new TableColumn("Length").RightAligned())
            .AddColumn(new TableColumn("Groups").RightAligned())
            .AddColumn(new TableColumn("Consumers").RightAligned())
            .AddColumn(new TableColumn("Lag").RightAligned())
            .AddColumn(new TableColumn("Pending").RightAligned())
            .AddColumn(new TableColumn("Oldest").RightAligned())
            .AddColumn(new TableColumn("Dead").RightAligned())
            .AddColumn("Paused")
            .AddColumn(new TableColumn("Pub/min").RightAligned())
            .AddColumn(new TableColumn("Done/min").RightAligned());
        foreach (var row in result.Destinations)
        {
            table.AddRow(
                new Text(row.Destination),
                new Text(Figures.Count(row.Layout)),
                new Text(Figures.Count(row.Length)),
                new Text(row.Kind == "stream" ? Figures.Count(row.Groups) : "-"),
                new Text(Figures.Count(row.Consumers)),
                Highlight(row.Lag, "yellow"),
                new Text(Figures.Count(row.Pending)),
                new Text(Figures.Age(row.OldestAgeSeconds)),
                Highlight(row.DeadLetters, "red"),
                row.Paused ? new Markup("[yellow]paused[/]") : new Text("-"),
                new Text(Figures.Rate(row.PublishedPerMinute)),
                new Text(Figures.Rate(row.ProcessedPerMinute)));
        }

        console.Write(table);
        console.MarkupLine("[grey]Parts: partitions of a stream, priority levels of a queue. Lag: not yet handed to a consumer; Pending: handed out, not finished.[/]");
        console.MarkupLineInterpolated($"[grey]Pub/min, Done/min: published, and processed successfully, per minute over the last {result.RateWindowMinutes} minutes (clients report every few seconds).[/]");
    }

    private static Markup Highlight(long value, string color) =>
        value == 0 ? new Markup(Figures.Count(value)) : new Markup($"[{color}]{Figures.Count(value)}[/]");
}
