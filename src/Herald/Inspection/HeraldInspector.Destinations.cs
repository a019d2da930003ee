using System.Globalization;
using Herald.Keys;
using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>Destination discovery: the registry every transport writes to, and one summary row per destination.</summary>
public sealed partial class HeraldInspector
{
    /// <summary>
    /// Every stream and queue Herald has published to or consumed from (the registry, <see cref="KeySchema.Destinations"/>),
    /// each with its length, groups, lag, pending work, oldest age and dead letters; ordered by kind, then name.
    /// </summary>
    /// <remarks>Pub/Sub channels leave nothing in Redis until something fails, so they appear only once registered; ask <see cref="GetChannelAsync"/> by name.</remarks>
    public async ValueTask<IReadOnlyList<DestinationSummary>> ListDestinationsAsync(CancellationToken cancellationToken = default)
    {
        var registry = await ReadRegistryAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new List<DestinationSummary>(registry.Count);
        foreach (var (destination, layout) in registry.OrderBy(static r => r.Key.Kind).ThenBy(static r => r.Key.Name, StringComparer.Ordinal))
        {
            summaries.Add(await SummarizeAsync(destination, layout, cancellationToken).ConfigureAwait(false));
        }

        return summaries;
    }

    /// <summary>
    /// Every stream and queue in the registry, ordered by kind, then name, without inspecting them: one read, so a
    /// tool refreshing every second can find what to ask <see cref="GetStreamAsync"/> or <see cref="GetQueueAsync"/> about.
    /// </summary>
    public async ValueTask<IReadOnlyList<Destination>> ListRegisteredDestinationsAsync(CancellationToken cancellationToken = default)
    {
        var registry = await ReadRegistryAsync(cancellationToken).ConfigureAwait(false);
        return [.. registry.Keys.OrderBy(static d => d.Kind).ThenBy(static d => d.Name, StringComparer.Ordinal)];
    }

    /// <summary>The summary row of one destination.</summary>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<DestinationSummary> GetDestinationAsync(Destination destination, CancellationToken cancellationToken = default)
    {
        var layout = await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        return await SummarizeAsync(destination, layout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The physical layout of a known destination: partitions of a stream, priority levels of a queue, 1 for a channel or pattern.</summary>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<int> GetLayoutAsync(Destination destination, CancellationToken cancellationToken = default) =>
        await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);

    private async ValueTask<DestinationSummary> SummarizeAsync(Destination destination, int layout, CancellationToken cancellationToken)
    {
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
            {
                var stream = await InspectStreamAsync(destination.Name, layout, cancellationToken).ConfigureAwait(false);
                var oldest = stream.Groups.Select(static g => Max(g.OldestPendingAge, g.OldestWaitingAge)).Aggregate((TimeSpan?)null, Max);
                return new DestinationSummary(destination, layout, stream.Length, stream.Groups.Count,
                    stream.Groups.SelectMany(static g => g.Consumers).Select(static c => c.Name).Distinct(StringComparer.Ordinal).Count(),
                    stream.Groups.Sum(static g => g.Lag), stream.Groups.Sum(static g => g.Pending), oldest, stream.DeadLetters,
                    stream.Groups.Any(static g => g.Paused));
            }

            case DestinationKind.Queue:
            {
                var queue = await InspectQueueAsync(destination.Name, layout, null, cancellationToken).ConfigureAwait(false);
                var oldest = queue.Consumers.Select(static c => c.OldestInFlightAge).Aggregate(queue.OldestWaitingAge, Max);
                return new DestinationSummary(destination, layout, queue.Waiting, 0, queue.Consumers.Count, queue.Waiting, queue.InFlight,
                    oldest, queue.DeadLetters, queue.PausedGroups.Count > 0);
            }

            case DestinationKind.Channel:
            {
                var channel = await GetChannelAsync(destination.Name, cancellationToken).ConfigureAwait(false);
                return new DestinationSummary(destination, 1, 0, 0, channel.Subscribers, 0, 0, null, channel.DeadLetters, channel.PausedGroups.Count > 0);
            }

            default:
            {
                // A pattern's messages are dead-lettered under the channel each came on: it has no dead letters of its own.
                var paused = await PausedGroupsAsync(destination, cancellationToken).ConfigureAwait(false);
                return new DestinationSummary(destination, 1, 0, 0, 0, 0, 0, null, 0, paused.Count > 0);
            }
        }
    }

    // The registry: field "kind:name", value the layout. Fields that do not parse (written by something else) are skipped.
    private async ValueTask<Dictionary<Destination, int>> ReadRegistryAsync(CancellationToken cancellationToken)
    {
        var fields = await _redis.HashGetAllAsync(_keys.Destinations(), cancellationToken).ConfigureAwait(false);
        var registry = new Dictionary<Destination, int>(fields.Count);
        foreach (var (field, value) in fields)
        {
            if (Destination.TryParse(field, out var destination))
            {
                registry[destination] = ParseLayout(value);
            }
        }

        return registry;
    }

    private async ValueTask<int> LayoutAsync(Destination destination, CancellationToken cancellationToken)
    {
        var value = await _redis.HashGetAsync(_keys.Destinations(), destination.ToString(), cancellationToken).ConfigureAwait(false);
        if (value is not null)
        {
            return ParseLayout(value);
        }

        // Channels and patterns are not registered when used: their names are whatever publishers choose.
        return destination.Kind is DestinationKind.Channel or DestinationKind.Pattern
            ? 1
            : throw new DestinationNotFoundException(destination, _keys.Prefix);
    }

    private static int ParseLayout(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var layout) && layout >= 1 ? layout : 1;

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static TimeSpan Age(DateTimeOffset time, DateTimeOffset now) => time >= now ? TimeSpan.Zero : now - time;

    private static TimeSpan? AgeOf(string? streamId, DateTimeOffset now) =>
        StreamId.TryParse(streamId, out var id) ? Age(id.Timestamp, now) : null;
}
