using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.TestKit;
using OpenTelemetry;

namespace Herald.Tests.Diagnostics;

/// <summary>
/// An OpenTelemetry processor that keeps every ended span in memory. Spans of parallel tests arrive too,
/// so readers go by span name, which carries a destination name only their test uses.
/// </summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _ended = new();

    public override void OnEnd(Activity data) => _ended.Enqueue(data);

    /// <summary>The one ended span called <paramref name="name"/>.</summary>
    public Activity Single(string name) => _ended.Where(span => span.DisplayName == name).Should().ContainSingle(name).Subject;

    /// <summary>Waits for a span called <paramref name="name"/> to end, then returns it (and checks it is the only one).</summary>
    public async Task<Activity> SingleAsync(string name) => (await AllAsync(name, 1)).Single();

    /// <summary>Waits until <paramref name="count"/> spans called <paramref name="name"/> have ended.</summary>
    public async Task<IReadOnlyList<Activity>> AllAsync(string name, int count)
    {
        await Wait.UntilAsync(() => _ended.Count(span => span.DisplayName == name) >= count, because: $"{count} span(s) '{name}' end");
        return [.. _ended.Where(span => span.DisplayName == name)];
    }
}
