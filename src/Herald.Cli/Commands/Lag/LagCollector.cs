using Herald.Cli.Commands.Groups;
using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Lag;

/// <summary>Takes lag snapshots: every group of every registered stream, every registered queue, and how fast each lag moves.</summary>
internal sealed class LagCollector(HeraldInspector inspector)
{
    private Dictionary<(string Destination, string? Group), long> _previous = [];
    private DateTimeOffset _previousTime;

    public async Task<LagSnapshot> CollectAsync(CancellationToken cancellationToken)
    {
        var time = TimeProvider.System.GetUtcNow();
        var rows = new List<LagRow>();
        foreach (var destination in await inspector.ListRegisteredDestinationsAsync(cancellationToken))
        {
            if (destination.Kind == DestinationKind.Stream)
            {
                var stream = await inspector.GetStreamAsync(destination.Name, cancellationToken);
                rows.AddRange(stream.Groups.Select(group => new LagRow(
                    destination.ToString(), group.Name, group.Lag, GroupRow.AccuracyName(group.LagAccuracy), group.Pending,
                    Figures.Seconds(group.OldestWaitingAge), Figures.Seconds(group.OldestPendingAge), group.Consumers.Count,
                    stream.DeadLetters, group.Paused, null)));
            }
            else if (destination.Kind == DestinationKind.Queue)
            {
                var queue = await inspector.GetQueueAsync(destination.Name, cancellationToken: cancellationToken);
                var oldestInFlight = queue.Consumers.Select(static c => c.OldestInFlightAge).Where(static a => a is not null).Max();
                rows.Add(new LagRow(
                    destination.ToString(), null, queue.Waiting, GroupRow.AccuracyName(LagAccuracy.Counted), queue.InFlight,
                    Figures.Seconds(queue.OldestWaitingAge), Figures.Seconds(oldestInFlight), queue.Consumers.Count(static c => !c.PresumedDead),
                    queue.DeadLetters, queue.PausedGroups.Count > 0, null));
            }
        }

        return Track(new LagSnapshot(time, inspector.Keys.Prefix, rows));
    }

    // Adds each row's change per second since the previous snapshot, and remembers this one for the next.
    private LagSnapshot Track(LagSnapshot snapshot)
    {
        var elapsed = (snapshot.Time - _previousTime).TotalSeconds;
        var rows = snapshot.Rows.Select(row => _previous.TryGetValue((row.Destination, row.Group), out var before) && elapsed > 0
            ? row with { LagChangePerSecond = Math.Round((row.Lag - before) / elapsed, 1) }
            : row).ToList();
        _previous = rows.ToDictionary(static r => (r.Destination, r.Group), static r => r.Lag);
        _previousTime = snapshot.Time;
        return snapshot with { Rows = rows };
    }
}
