using System.Globalization;
using Spectre.Console;

namespace Herald.Cli.Bench;

/// <summary>Draws a <see cref="RespBenchReport"/> as Spectre tables: throughput, latency, targets.</summary>
internal static class RespBenchView
{
    public static void Render(IAnsiConsole console, RespBenchReport report)
    {
        var environment = report.Environment;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]herald bench resp[/] {report.HeraldVersion} against {environment.Endpoint} (Redis {environment.ServerVersion}, RESP{environment.Protocol})");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[grey]{environment.ProcessorCount} CPUs ({environment.CpuModel ?? "unknown CPU"}), {environment.Runtime}, {environment.OperatingSystem}; {report.Settings.DurationSeconds:0.#} s per phase, {report.Settings.ValueSize} B values[/]");
        if (report.RedisBenchmark.Note is { } note)
        {
            console.MarkupLineInterpolated($"[yellow]{note}[/]");
        }

        console.Write(ThroughputTable(report));
        console.Write(LatencyTable(report));
        console.Write(TargetTable(report));
    }

    private static Table ThroughputTable(RespBenchReport report)
    {
        var table = new Table().Title("Throughput (closed loop, one multiplexed client)")
            .AddColumn("command").AddColumn(new TableColumn("callers").RightAligned())
            .AddColumn(new TableColumn("herald ops/s").RightAligned())
            .AddColumn(new TableColumn("redis-benchmark ops/s").RightAligned())
            .AddColumn(new TableColumn("ratio").RightAligned());
        foreach (var figure in report.Throughput)
        {
            table.AddRow(
                figure.Command,
                Format(figure.Callers, "0"),
                Format(figure.OpsPerSecond, "#,0"),
                Format(figure.RedisBenchmarkOpsPerSecond, "#,0"),
                Format(figure.Ratio, "0.00x"));
        }

        if (report.PipelinedCeiling is { } ceiling)
        {
            var clients = Format(ceiling.Clients, "0") + " -P " + Format(ceiling.Pipeline, "0");
            table.AddRow("SET", clients, "-", Format(ceiling.SetOpsPerSecond, "#,0"), "ceiling");
            table.AddRow("GET", clients, "-", Format(ceiling.GetOpsPerSecond, "#,0"), "ceiling");
        }

        return table;
    }

    private static Table LatencyTable(RespBenchReport report)
    {
        var table = new Table().Title("Round trip, 1 caller (microseconds)").AddColumn("command");
        foreach (var name in new[] { "p50", "p90", "p99", "p99.9", "max", "redis-benchmark p50", "redis-benchmark p99", "p50 ratio" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var figure in report.Latency)
        {
            table.AddRow(
                figure.Command,
                Format(figure.P50Microseconds, "0.0"),
                Format(figure.P90Microseconds, "0.0"),
                Format(figure.P99Microseconds, "0.0"),
                Format(figure.P999Microseconds, "0.0"),
                Format(figure.MaxMicroseconds, "0.0"),
                Format(figure.RedisBenchmarkP50Microseconds, "0.0"),
                Format(figure.RedisBenchmarkP99Microseconds, "0.0"),
                Format(figure.P50Ratio, "0.00x"));
        }

        return table;
    }

    private static Table TargetTable(RespBenchReport report)
    {
        var allocation = report.Allocation;
        var table = TargetTable(report.Targets);
        table.Caption(Format(allocation.Bytes, "#,0") + " B allocated over " + Format(allocation.Commands, "#,0") + " commands in the measured window");
        return table;
    }

    /// <summary>Goals with their measured values and a pass/FAIL mark; shared by every benchmark.</summary>
    internal static Table TargetTable(IEnumerable<TargetCheck> targets)
    {
        var table = new Table().Title("Targets").AddColumn("figure").AddColumn("goal").AddColumn(new TableColumn("measured").RightAligned()).AddColumn("");
        foreach (var target in targets)
        {
            var mark = target.Passed switch
            {
                true => "[green]pass[/]",
                false => "[red]FAIL[/]",
                null => "[grey]n/a[/]",
            };
            table.AddRow(new Text(target.Name), new Text(target.Goal), new Text(Format(target.Value, "#,0.00")), new Markup(mark));
        }

        return table;
    }

    internal static string Format(double? value, string format) =>
        value is { } number ? number.ToString(format, CultureInfo.InvariantCulture) : "-";
}
