using Herald.Keys;
using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>Streams: partitions, consumer groups, lag, pending entries and consumers.</summary>
public sealed partial class HeraldInspector
{
    // When Redis cannot report a group's lag, the entries after its last delivered id are counted, this far at most.
    private const int LagCountLimit = 10_000;
    private const int LagCountPage = 1_000;

    /// <summary>
    /// A stream with every partition and consumer group: length, first and last entries, and per group its
    /// consumers, lag, pending entries and their ages, delayed retries and whether it is paused.
    /// </summary>
    /// <param name="name">The stream's name.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <exception cref="DestinationNotFoundException">No stream of that name is registered.</exception>
    public async ValueTask<StreamDetails> GetStreamAsync(string name, CancellationToken cancellationToken = default)
    {
        var layout = await LayoutAsync(Destination.Stream(name), cancellationToken).ConfigureAwait(false);
        return await InspectStreamAsync(name, layout, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<StreamDetails> InspectStreamAsync(string name, int partitions, CancellationToken cancellationToken)
    {
        var destination = Destination.Stream(name);
        var now = _time.GetUtcNow();
        var paused = await PausedGroupsAsync(destination, cancellationToken).ConfigureAwait(false);
        var deadLetters = await CountDeadLettersByKeyAsync(destination, partitions, cancellationToken).ConfigureAwait(false);
        var inspections = new Task<PartitionFigures>[partitions];
        for (var p = 0; p < partitions; p++)
        {
            inspections[p] = InspectPartitionAsync(name, partitions == 1 ? null : p, cancellationToken);
        }

        var figures = await Task.WhenAll(inspections).ConfigureAwait(false);
        var details = new StreamPartitionDetails[partitions];
        for (var p = 0; p < partitions; p++)
        {
            var f = figures[p];
            details[p] = new StreamPartitionDetails(p, f.Key, f.Length, f.FirstId, AgeOf(f.FirstId, now), f.LastId, AgeOf(f.LastId, now),
                GroupDetails(f.Groups, paused, now, summed: false), deadLetters[p]);
        }

        var first = figures.Select(static f => f.FirstId).Where(static id => id is not null).MinBy(static id => StreamId.Parse(id!));
        var last = figures.Select(static f => f.LastId).Where(static id => id is not null).MaxBy(static id => StreamId.Parse(id!));
        return new StreamDetails(name, partitions, figures.Sum(static f => f.Length), first, AgeOf(first, now), last, AgeOf(last, now),
            GroupDetails(figures.SelectMany(static f => f.Groups), paused, now, summed: partitions > 1), deadLetters.Sum(), details);
    }

    private async Task<PartitionFigures> InspectPartitionAsync(string name, int? partition, CancellationToken cancellationToken)
    {
        var key = _keys.Stream(name, partition);
        if (!await _redis.KeyExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return new PartitionFigures(key, 0, null, null, []);
        }

        var info = await _redis.StreamInfoAsync(key, cancellationToken).ConfigureAwait(false);
        var groups = await _redis.StreamGroupsAsync(key, cancellationToken).ConfigureAwait(false);
        var figures = new List<SourceFigures>(groups.Count * 2);
        foreach (var group in groups)
        {
            var delayed = 0L;
            if (KeySchema.IsValidName(group.Name))
            {
                delayed = await _redis.SortedSetLengthAsync(_keys.Retries(name, group.Name, partition), cancellationToken).ConfigureAwait(false);
            }

            figures.Add(await InspectSourceAsync(key, group, info.LastEntry?.Id, delayed, isMain: true, cancellationToken).ConfigureAwait(false));

            // Due retries of the group wait in its own retried stream: work the group has yet to finish.
            if (KeySchema.IsValidName(group.Name) && await RetriedGroupAsync(name, group.Name, partition, cancellationToken).ConfigureAwait(false) is { } retried)
            {
                figures.Add(await InspectSourceAsync(retried.Key, retried.Group, retried.LastId, 0, isMain: false, cancellationToken).ConfigureAwait(false));
            }
        }

        return new PartitionFigures(key, info.Length, info.FirstEntry?.Id, info.LastEntry?.Id, figures);
    }

    private async ValueTask<(string Key, StreamGroupInfo Group, string? LastId)?> RetriedGroupAsync(string name, string group, int? partition, CancellationToken cancellationToken)
    {
        var key = _keys.RetriedStream(name, group, partition);
        if (!await _redis.KeyExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = (await _redis.StreamGroupsAsync(key, cancellationToken).ConfigureAwait(false)).FirstOrDefault(g => g.Name == group);
        if (info is null)
        {
            return null;
        }

        var last = await _redis.StreamRangeReverseAsync(key, count: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (key, info, last.Count == 0 ? null : last[0].Id);
    }

    // One group on one physical stream (a partition or a retried stream).
    private async ValueTask<SourceFigures> InspectSourceAsync(string key, StreamGroupInfo group, string? lastEntryId, long delayed, bool isMain, CancellationToken cancellationToken)
    {
        var (lag, accuracy) = await LagAsync(key, group, lastEntryId, cancellationToken).ConfigureAwait(false);
        DateTimeOffset? oldestPending = null;
        TimeSpan? oldestIdle = null;
        if (group.Pending > 0)
        {
            var oldest = await _redis.StreamPendingEntriesAsync(key, group.Name, 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (oldest.Count > 0)
            {
                oldestPending = StreamId.Parse(oldest[0].Id).Timestamp;
                oldestIdle = oldest[0].Idle;
            }
        }

        DateTimeOffset? oldestWaiting = null;
        if (lag > 0)
        {
            var next = await _redis.StreamRangeAsync(key, "(" + group.LastDeliveredId, StreamId.RangeEnd, 1, cancellationToken).ConfigureAwait(false);
            oldestWaiting = next.Count == 0 ? null : StreamId.Parse(next[0].Id).Timestamp;
        }

        var consumers = await _redis.StreamConsumersAsync(key, group.Name, cancellationToken).ConfigureAwait(false);
        return new SourceFigures(group.Name, isMain, group.Pending, lag, accuracy, group.LastDeliveredId, group.EntriesRead,
            oldestPending, oldestIdle, oldestWaiting, delayed, consumers);
    }

    // Redis 7 reports lag unless deletions or trimming after the group's position make it unknowable; then count.
    private async ValueTask<(long Lag, LagAccuracy Accuracy)> LagAsync(string key, StreamGroupInfo group, string? lastEntryId, CancellationToken cancellationToken)
    {
        if (group.Lag is { } reported)
        {
            return (reported, LagAccuracy.Reported);
        }

        if (lastEntryId is null || (StreamId.TryParse(group.LastDeliveredId, out var delivered) && delivered >= StreamId.Parse(lastEntryId)))
        {
            return (0, LagAccuracy.Counted);
        }

        var counted = 0L;
        var after = group.LastDeliveredId;
        while (counted < LagCountLimit)
        {
            var page = await _redis.StreamRangeAsync(key, "(" + after, StreamId.RangeEnd, LagCountPage, cancellationToken).ConfigureAwait(false);
            counted += page.Count;
            if (page.Count < LagCountPage)
            {
                return (counted, LagAccuracy.Counted);
            }

            after = page[^1].Id;
        }

        return (counted, LagAccuracy.AtLeast);
    }

    private static List<StreamGroupDetails> GroupDetails(IEnumerable<SourceFigures> sources, IReadOnlyDictionary<string, DateTimeOffset?> paused, DateTimeOffset now, bool summed)
    {
        var details = new List<StreamGroupDetails>();
        foreach (var group in sources.GroupBy(static s => s.Group, StringComparer.Ordinal).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            var mains = group.Where(static s => s.IsMain).ToList();
            var oldestPending = group.Where(static s => s.OldestPending is not null).MinBy(static s => s.OldestPending);
            var oldestWaiting = group.Select(static s => s.OldestWaiting).Where(static t => t is not null).Min();
            var consumers = group.SelectMany(static s => s.Consumers)
                .GroupBy(static c => c.Name, StringComparer.Ordinal)
                .Select(static c => new StreamConsumerDetails(c.Key, c.Sum(static x => x.Pending), c.Min(static x => x.Idle),
                    c.Select(static x => x.Inactive).Where(static x => x is not null).Min()))
                .OrderBy(static c => c.Name, StringComparer.Ordinal)
                .ToList();
            details.Add(new StreamGroupDetails(
                group.Key,
                consumers,
                group.Sum(static s => s.Pending),
                group.Sum(static s => s.Lag),
                group.Max(static s => s.Accuracy),
                summed || mains.Count != 1 ? null : mains[0].LastDeliveredId,
                mains.All(static s => s.EntriesRead is not null) ? mains.Sum(static s => s.EntriesRead!.Value) : null,
                oldestPending?.OldestPending is { } pendingSince ? Age(pendingSince, now) : null,
                oldestPending?.OldestPendingIdle,
                oldestWaiting is { } waitingSince ? Age(waitingSince, now) : null,
                group.Sum(static s => s.Delayed),
                paused.ContainsKey(group.Key)));
        }

        return details;
    }


    private sealed record PartitionFigures(string Key, long Length, string? FirstId, string? LastId, IReadOnlyList<SourceFigures> Groups);

    private sealed record SourceFigures(
        string Group,
        bool IsMain,
        long Pending,
        long Lag,
        LagAccuracy Accuracy,
        string LastDeliveredId,
        long? EntriesRead,
        DateTimeOffset? OldestPending,
        TimeSpan? OldestPendingIdle,
        DateTimeOffset? OldestWaiting,
        long Delayed,
        IReadOnlyList<StreamConsumerInfo> Consumers);
}
