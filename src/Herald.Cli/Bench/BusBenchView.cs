using System.Globalization;
using Spectre.Console;

namespace Herald.Cli.Bench;

/// <summary>Draws a <see cref="BusBenchReport"/>: throughput with the CPU split, latency, the redis-benchmark ceiling, targets; in tasks for <c>bench tasks</c>.</summary>
internal static class BusBenchView
{
    public static void Render(IAnsiConsole console, BusBenchReport report)
    {
        static string F(double? value, string format) => RespBenchView.Format(value, format);
        var environment = report.Environment;
        var tasks = report.Transport == TaskBench.Transport;
        var unit = tasks ? "task" : "msg";
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]herald bench {report.Transport}[/] against {environment.Endpoint} (Redis {environment.ServerVersion}); {environment.ProcessorCount} CPUs ({environment.CpuModel ?? "unknown CPU"}), {report.DurationSeconds:0.#} s per phase, {report.BodyBytes} B {(tasks ? "arguments" : "bodies")}");
        if (tasks && report.Consumer is { } worker)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"worker: concurrency {worker.Concurrency}, prefetch {worker.Prefetch}; a task counts once its succeeded state is written, latency runs from enqueue to that write");
        }

        if (report.RedisBenchmark.Note is { } note)
        {
            console.MarkupLineInterpolated($"[yellow]{note}[/]");
        }

        var t = report.Throughput;
        var table = new Table().Title(tasks ? "End to end (producer and task worker in separate processes)" : "End to end (producer and consumer in separate processes)")
            .AddColumn("figure").AddColumn(new TableColumn("herald").RightAligned()).AddColumn(new TableColumn("redis-benchmark").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
        table.AddRow($"throughput, {unit}/s", F(t.MessagesPerSecond, "#,0"), F(report.Ceiling?.PipelinedOpsPerSecond, "#,0"), F(t.Ratio, "0.00x"));
        table.AddRow($"latency p50 at {report.Latency.RatePerSecond:0} {unit}/s, ms", F(report.Latency.P50Milliseconds, "0.000"), F(report.Latency.RedisBenchmarkP50Milliseconds, "0.000"), "");
        table.AddRow($"latency p99 at {report.Latency.RatePerSecond:0} {unit}/s, ms", F(report.Latency.P99Milliseconds, "0.000"), F(report.Latency.RedisBenchmarkP99Milliseconds, "0.000"), "");
        table.Caption(string.Create(CultureInfo.InvariantCulture,
            $"{t.Published:N0} {(tasks ? "enqueued" : "published")}, {t.Handled:N0} {(tasks ? "succeeded" : "handled")} in {t.Seconds:0.00} s; CPU s: producer {t.ProducerCpuSeconds:0.00}, consumer {t.ConsumerCpuSeconds:0.00}, redis-server {t.RedisCpuSeconds:0.00}; per {(tasks ? "task" : "message")}: producer {t.ProducerCpuMicrosecondsPerMessage:0.00} µs CPU, {t.ProducerAllocatedBytesPerMessage:0} B allocated; consumer {t.ConsumerCpuMicrosecondsPerMessage:0.00} µs CPU, {t.ConsumerAllocatedBytesPerMessage:0} B allocated (after {t.WarmUpMessages:N0} warm-up {(tasks ? "tasks" : "messages")}). Ceiling: {report.Ceiling?.Command ?? "-"} -c {RespBench.PipelinedClients} -P {RespBench.PipelineDepth}; latency: -c 1"));
        if (report.Drain is { } drain)
        {
            var what = tasks ? "task" : "message";
            table.AddRow($"consumer alone draining a backlog, {unit}/s", F(drain.MessagesPerSecond, "#,0"), "", "");
            table.AddRow($"  consumer CPU per {what} (drain), µs", F(drain.ConsumerCpuMicrosecondsPerMessage, "0.00"), "", "");
            table.AddRow($"  consumer allocated per {what} (drain), B", F(drain.ConsumerAllocatedBytesPerMessage, "0"), "", "");
        }

        console.Write(table);
        WriteHistogram(console, report.Latency, unit);
        if (report.Targets.Count > 0)
        {
            console.Write(RespBenchView.TargetTable(report.Targets));
        }
    }

    // Where the paced phase's latencies fall: a percentile hides whether a tail is a few outliers or a hump.
    private static void WriteHistogram(IAnsiConsole console, BusLatency latency, string unit)
    {
        if (latency.Messages == 0 || latency.Histogram.Count == 0)
        {
            return;
        }

        var chart = new BarChart()
            .Label(string.Create(CultureInfo.InvariantCulture, $"Latency at {latency.RatePerSecond:0} {unit}/s: {(unit == "task" ? "tasks" : "messages")} per band ({latency.Messages:N0} in all)"))
            .Width(Math.Min(100, console.Profile.Width));
        var below = 0.0;
        foreach (var band in latency.Histogram)
        {
            var label = band.BelowMilliseconds is { } bound
                ? string.Create(CultureInfo.InvariantCulture, $"{below:0.###}–{bound:0.###} ms")
                : string.Create(CultureInfo.InvariantCulture, $"≥ {below:0.###} ms");
            chart.AddItem(label, band.Messages, band.BelowMilliseconds is null or > 1 ? Color.Red : Color.Green);
            below = band.BelowMilliseconds ?? below;
        }

        console.Write(chart);
    }
}
