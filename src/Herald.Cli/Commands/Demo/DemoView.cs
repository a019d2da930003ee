using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Herald.Cli.Commands.Demo;

/// <summary>How the demo looks: a live table on a terminal, one line per second in a pipe, and the summary.</summary>
internal static class DemoView
{
    public static IRenderable Waiting() => new Markup("[grey]starting the demo…[/]");

    public static IRenderable Live(DemoSnapshot snapshot, TimeSpan duration)
    {
        var state = snapshot.Draining
            ? "[yellow]producers stopped, draining…[/]"
            : duration > TimeSpan.Zero
                ? string.Create(CultureInfo.InvariantCulture, $"[green]running[/] {snapshot.ElapsedSeconds:0.0} / {duration.TotalSeconds:0} s (Ctrl+C stops)")
                : string.Create(CultureInfo.InvariantCulture, $"[green]running[/] {snapshot.ElapsedSeconds:0.0} s (Ctrl+C stops)");
        return Table(snapshot.Destinations, perSecond: "/s").Title("herald demo").Caption(state);
    }

    public static void WriteLine(TextWriter output, DemoSnapshot snapshot)
    {
        var parts = snapshot.Destinations.Select(static f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Kind} pub {f.PublishedPerSecond:0}/s handled {f.HandledPerSecond:0}/s p50 {f.LatencyP50Milliseconds:0.00} ms p99 {f.LatencyP99Milliseconds:0.00} ms backlog {f.Backlog} dlq {f.DeadLetters}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{snapshot.ElapsedSeconds,5:0.0}s]{(snapshot.Draining ? " draining" : string.Empty)} ") + string.Join(" | ", parts));
        output.Flush();
    }

    public static void Summary(IAnsiConsole console, DemoSummary summary)
    {
        console.Write(Table(summary.Destinations, perSecond: "/s (avg)").Title(string.Create(CultureInfo.InvariantCulture,
            $"herald demo: {summary.DurationSeconds:0.0} s on {summary.Redis}")));
        if (summary.DeadLetters.Count > 0)
        {
            var letters = new Table().Border(TableBorder.Simple).Title($"dead letters ({summary.TotalDeadLetters})")
                .AddColumns("destination", "message", "reason", "attempts", "error");
            foreach (var letter in summary.DeadLetters)
            {
                letters.AddRow(Markup.Escape(letter.Destination), Markup.Escape(letter.MessageId), Markup.Escape(letter.Reason ?? "?"),
                    Markup.Escape(letter.Attempts ?? "?"), Markup.Escape(letter.Error ?? string.Empty));
            }

            console.Write(letters);
        }

        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]deleted {summary.KeysDeleted} keys under {summary.KeyPrefix}:*[/]");
    }

    private static Table Table(IReadOnlyList<DemoDestinationFigures> figures, string perSecond)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("destination")
            .AddColumn(new TableColumn("published").RightAligned())
            .AddColumn(new TableColumn("handled").RightAligned())
            .AddColumn(new TableColumn("pub" + perSecond).RightAligned())
            .AddColumn(new TableColumn("handled" + perSecond).RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned())
            .AddColumn(new TableColumn("lag / length").RightAligned())
            .AddColumn(new TableColumn("failures").RightAligned())
            .AddColumn(new TableColumn("dead letters").RightAligned());
        foreach (var f in figures)
        {
            string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
            table.AddRow(
                Markup.Escape(f.Name),
                N(f.Published, "N0"),
                N(f.Handled, "N0"),
                N(f.PublishedPerSecond, "N0"),
                N(f.HandledPerSecond, "N0"),
                N(f.LatencyP50Milliseconds, "0.00"),
                N(f.LatencyP99Milliseconds, "0.00"),
                f.Kind == "channel" ? "-" : N(f.Backlog, "N0"),
                N(f.HandlerFailures, "N0"),
                f.DeadLetters > 0 ? $"[red]{f.DeadLetters}[/]" : "0");
        }

        return table;
    }
}
