using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Ls;

/// <summary>The <c>--json</c> shape of <c>herald ls</c>.</summary>
/// <param name="Prefix">The key prefix read.</param>
/// <param name="RateWindowMinutes">The minutes of throughput history the rates are averaged over (the last one is the current minute).</param>
/// <param name="Destinations">One row per registered stream and queue, by kind then name.</param>
internal sealed record LsResult(string Prefix, int RateWindowMinutes, IReadOnlyList<LsRow> Destinations);

/// <summary>
/// One destination at a glance (see <see cref="DestinationSummary"/> for what each figure counts), with the rates at
/// which messages were published to it and processed from it, per minute, over the last minutes of throughput history.
/// </summary>
internal sealed record LsRow(
    string Destination,
    string Kind,
    string Name,
    int Layout,
    long Length,
    int Groups,
    long Consumers,
    long Lag,
    long Pending,
    double? OldestAgeSeconds,
    long DeadLetters,
    bool Paused,
    double PublishedPerMinute,
    double ProcessedPerMinute)
{
    public static LsRow From(DestinationSummary summary, DestinationThroughput? throughput, double coveredMinutes) => new(
        summary.Destination.ToString(),
        summary.Destination.Kind.ToString().ToLowerInvariant(),
        summary.Destination.Name,
        summary.Layout,
        summary.Length,
        summary.Groups,
        summary.Consumers,
        summary.Lag,
        summary.Pending,
        Figures.Seconds(summary.OldestAge),
        summary.DeadLetters,
        summary.Paused,
        ThroughputRate.PerMinute(throughput?.Published ?? 0, coveredMinutes),
        ThroughputRate.PerMinute(throughput?.Processed ?? 0, coveredMinutes));
}
