using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Stats;

/// <summary>Takes a deployment overview: the throughput history of all destinations, the worker registry and the destinations, in sum.</summary>
internal sealed class StatsCollector(HeraldInspector inspector, TimeSpan window)
{
    public async Task<StatsSnapshot> CollectAsync(CancellationToken cancellationToken)
    {
        var points = await inspector.GetTotalThroughputAsync(window, cancellationToken);
        var workers = await inspector.ListWorkersAsync(cancellationToken);
        var destinations = await inspector.ListDestinationsAsync(cancellationToken);
        var time = TimeProvider.System.GetUtcNow();
        return new StatsSnapshot(time, inspector.Keys.Prefix, Throughput(points, time), Workers(workers), Destinations(destinations));
    }

    private static StatsThroughput Throughput(IReadOnlyList<ThroughputPoint> points, DateTimeOffset time)
    {
        var total = new StatsCounts(points.Sum(static p => p.Published), points.Sum(static p => p.Processed), points.Sum(static p => p.Failed));
        var covered = ThroughputRate.CoveredMinutes(points.Count, time);
        var average = new StatsRates(
            ThroughputRate.PerMinute(total.Published, covered),
            ThroughputRate.PerMinute(total.Processed, covered),
            ThroughputRate.PerMinute(total.Failed, covered));
        return new StatsThroughput(
            points.Count,
            total,
            average,
            Counts(points[^1]),
            points.Count > 1 ? Counts(points[^2]) : new StatsCounts(0, 0, 0),
            [.. points.Select(static p => new StatsMinute(p.Minute, p.Published, p.Processed, p.Failed))]);

        static StatsCounts Counts(ThroughputPoint point) => new(point.Published, point.Processed, point.Failed);
    }

    private static StatsWorkers Workers(IReadOnlyList<WorkerInfo> workers)
    {
        var live = workers.Where(static w => !w.IsStale).ToList();
        return new StatsWorkers(live.Count, workers.Count - live.Count, live.Sum(static w => w.Consumers.Count), live.Sum(static w => w.Concurrency), live.Sum(static w => w.InFlight));
    }

    private static StatsDestinations Destinations(IReadOnlyList<DestinationSummary> destinations) => new(
        destinations.Count(static d => d.Destination.Kind == DestinationKind.Stream),
        destinations.Count(static d => d.Destination.Kind == DestinationKind.Queue),
        destinations.Sum(static d => d.Lag),
        destinations.Sum(static d => d.Pending),
        destinations.Sum(static d => d.DeadLetters),
        destinations.Count(static d => d.Paused));
}
