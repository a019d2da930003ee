using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Workers;

/// <summary><c>herald workers [--consumers]</c>: every client running consumers, as it last announced itself in the worker registry.</summary>
internal static class WorkersCommand
{
    // A worker's consumers in one cell: this many groups, then how many more.
    private const int SummarisedGroups = 3;

    public static Command Create()
    {
        var consumers = new Option<bool>("--consumers", "-c") { Description = "Add one row per consumer of each worker: destination, group, name, state, its own counters." };
        return new Command("workers", "List the workers (clients running consumers) with host, process, version, uptime, heartbeat, live or stale, concurrency, in-flight, processed and failed counts, and their consumers.")
        {
            consumers,
        }.WithHandler((context, parseResult, cancellationToken) => RunAsync(context, parseResult, parseResult.GetValue(consumers), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, bool consumers, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var workers = await session.Inspector.ListWorkersAsync(cancellationToken);
        var now = TimeProvider.System.GetUtcNow();
        var result = new WorkersResult(now, session.Prefix, [.. workers.Select(w => WorkerRow.From(w, now))]);
        context.Write(result, CliJsonContext.Output.WorkersResult, (console, r) => Render(console, r, consumers));
        return ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, WorkersResult result, bool consumers)
    {
        if (result.Workers.Count == 0)
        {
            console.MarkupLineInterpolated(
                $"No workers under the key prefix '{result.Prefix}': no client is running consumers now. Wrong prefix? Pass --prefix or set ${CliGlobalOptions.PrefixVariable}.");
            return;
        }

        var table = new Table().Title(Markup.Escape(Figures.Invariant($"workers · prefix {result.Prefix} · {result.Time.ToLocalTime():HH:mm:ss}")))
            .AddColumn("Worker")
            .AddColumn("Version")
            .AddColumn(new TableColumn("Uptime").RightAligned())
            .AddColumn(new TableColumn("Heartbeat").RightAligned())
            .AddColumn("State")
            .AddColumn(new TableColumn("Concurrency").RightAligned())
            .AddColumn(new TableColumn("In flight").RightAligned())
            .AddColumn(new TableColumn("Processed").RightAligned())
            .AddColumn(new TableColumn("Failed").RightAligned())
            .AddColumn("Consumers");
        foreach (var worker in result.Workers)
        {
            var stale = worker.State == WorkerRow.Stale;
            var heartbeat = Figures.Age(worker.HeartbeatAgeSeconds) + " ago";
            table.AddRow(
                new Text(worker.Id),
                new Text(worker.Version),
                new Text(Figures.Age(worker.UptimeSeconds)),
                stale ? new Markup($"[yellow]{heartbeat}[/]") : new Text(heartbeat),
                stale ? new Markup($"[red]{WorkerRow.Stale}[/]") : new Markup($"[green]{WorkerRow.Live}[/]"),
                new Text(Figures.Count(worker.Concurrency)),
                new Text(Figures.Count(worker.InFlight)),
                new Text(Figures.Count(worker.Processed)),
                worker.Failed == 0 ? new Text("0") : new Markup($"[red]{Figures.Count(worker.Failed)}[/]"),
                new Text(Summary(worker.Consumers)));
        }

        console.Write(table);
        console.MarkupLine("[grey]Worker: host:pid:random. Processed and failed count since the worker started; in flight as of its last heartbeat.[/]");
        if (consumers)
        {
            console.Write(ConsumerTable(result.Workers));
        }

        var staleCount = result.Workers.Count(static w => w.State == WorkerRow.Stale);
        if (staleCount > 0)
        {
            console.MarkupLineInterpolated(
                $"[yellow]{staleCount} stale worker(s)[/]: no heartbeat for more than three intervals, so the process is probably gone or stuck. Its entry expires after six intervals; what it held is reclaimed by the other consumers.");
        }
    }

    private static Table ConsumerTable(IReadOnlyList<WorkerRow> workers)
    {
        var table = new Table().Title("consumers")
            .AddColumn("Worker")
            .AddColumn("Destination")
            .AddColumn("Group")
            .AddColumn("Consumer")
            .AddColumn("State")
            .AddColumn(new TableColumn("Concurrency").RightAligned())
            .AddColumn(new TableColumn("In flight").RightAligned())
            .AddColumn(new TableColumn("Processed").RightAligned())
            .AddColumn(new TableColumn("Failed").RightAligned());
        foreach (var worker in workers)
        {
            foreach (var consumer in worker.Consumers)
            {
                table.AddRow(
                    new Text(worker.Id),
                    new Text(consumer.Destination),
                    new Text(consumer.Group),
                    new Text(consumer.Name),
                    consumer.State == "running" ? new Text(consumer.State) : new Markup($"[yellow]{consumer.State}[/]"),
                    new Text(Figures.Count(consumer.Concurrency)),
                    new Text(Figures.Count(consumer.InFlight)),
                    new Text(Figures.Count(consumer.Processed)),
                    consumer.Failed == 0 ? new Text("0") : new Markup($"[red]{Figures.Count(consumer.Failed)}[/]"));
            }
        }

        if (table.Rows.Count == 0)
        {
            table.Caption("no consumers reported");
        }

        return table;
    }

    // "stream:orders (billing) ×2, queue:jobs (default, paused) +2 more": what a worker consumes, in one cell,
    // consumers of one group counted once with how many there are.
    private static string Summary(IReadOnlyList<WorkerConsumerRow> consumers)
    {
        if (consumers.Count == 0)
        {
            return "-";
        }

        var groups = consumers.GroupBy(static c => (c.Destination, c.Group, c.State)).ToList();
        var shown = groups.Take(SummarisedGroups).Select(static g =>
            (g.Key.State == "running" ? $"{g.Key.Destination} ({g.Key.Group})" : $"{g.Key.Destination} ({g.Key.Group}, {g.Key.State})")
            + (g.Count() > 1 ? Figures.Invariant($" ×{g.Count()}") : string.Empty));
        var text = string.Join(", ", shown);
        return groups.Count > SummarisedGroups ? Figures.Invariant($"{text} +{groups.Count - SummarisedGroups} more") : text;
    }
}
