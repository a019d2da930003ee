using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Herald.Cli.Bench;

/// <summary>
/// Samples what a bench process allocates, by type, from the runtime's own allocation ticks (one event per
/// ~100 KB allocated, naming the type that crossed the mark): a profile of allocations without a profiler.
/// Switched on by <c>HERALD_BENCH_ALLOCATIONS=1</c>; the top types go to standard error when the process ends.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    public const string Variable = "HERALD_BENCH_ALLOCATIONS";
    private const long GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public static AllocationSampler? StartIfAsked() =>
        Environment.GetEnvironmentVariable(Variable) == "1" ? new AllocationSampler() : null;

    public void Report(TextWriter writer, string title, int top = 25)
    {
        var total = _bytesByType.Values.Sum();
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocation samples ({title}): {total:N0} B sampled"));
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(static pair => pair.Value).Take(top))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(1, total),6:0.0}%  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], CultureInfo.InvariantCulture) : 100_000;
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
