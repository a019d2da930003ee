using Herald.Keys;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Herald.Transports;

namespace Herald.Inspection;

/// <summary>
/// Dead letters: list with filters and paging, show, replay to origin, delete and purge. A stream's dead
/// letters live next to each partition; a queue's next to it; a channel's under its escaped name. A
/// dead-letter stream may hold letters of a stream, a queue and a channel of the same name: only those
/// whose <c>dlq-origin</c> is the destination asked about are ever read, counted, replayed or removed.
/// </summary>
public sealed partial class HeraldInspector
{
    private const int ScanPage = 200;

    // Up to this length a dead-letter stream is counted entry by entry (exact even when shared); above, by XLEN.
    private const long ExactCountLimit = 1_000;

    /// <summary>
    /// One page of the dead letters of <paramref name="destination"/> that match <paramref name="filter"/>, oldest first
    /// (over all partitions of a stream).
    /// </summary>
    /// <param name="destination">A stream, queue or channel.</param>
    /// <param name="filter">Which dead letters; null for all.</param>
    /// <param name="limit">Most dead letters on the page.</param>
    /// <param name="after">The <see cref="DeadLetterPage.Next"/> of the previous page; null for the first.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<DeadLetterPage> ListDeadLettersAsync(Destination destination, DeadLetterFilter? filter = null, int limit = 50,
        DeadLetterId? after = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        var more = false;
        foreach (var (partition, key) in DeadLetterKeys(destination, layout))
        {
            var taken = 0;
            await foreach (var letter in ScanAsync(destination, partition, key, StartOf(filter, after, partition), EndOf(filter, null), filter, cancellationToken).ConfigureAwait(false))
            {
                if (taken == limit)
                {
                    more = true;
                    break;
                }

                letters.Add(letter);
                taken++;
            }
        }

        letters.Sort(static (a, b) => DeadLetterId.Compare(a.Id, b.Id));
        if (letters.Count > limit)
        {
            more = true;
            letters.RemoveRange(limit, letters.Count - limit);
        }

        return new DeadLetterPage(letters, more ? letters[^1].Id : null);
    }

    /// <summary>How many dead letters of <paramref name="destination"/> match <paramref name="filter"/> (read entry by entry).</summary>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<long> CountDeadLettersAsync(Destination destination, DeadLetterFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        var count = 0L;
        foreach (var (partition, key) in DeadLetterKeys(destination, layout))
        {
            await foreach (var _ in ScanAsync(destination, partition, key, StartOf(filter, null, partition), EndOf(filter, null), filter, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>One dead letter with its body unwrapped (decrypted and decompressed with this inspector's codec) for reading; null when there is none.</summary>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<DeadLetterDetails?> GetDeadLetterAsync(Destination destination, DeadLetterId id, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        if (await FindAsync(destination, layout, id, cancellationToken).ConfigureAwait(false) is not { } letter)
        {
            return null;
        }

        try
        {
            var body = _codec.Unwrap(letter.Envelope);
            var text = System.Text.Unicode.Utf8.IsValid(body.Span) ? Encoding.UTF8.GetString(body.Span) : null;
            return new DeadLetterDetails(letter, body, text, null);
        }
        catch (HeraldException exception)
        {
            return new DeadLetterDetails(letter, null, null, exception.Message);
        }
    }

    /// <summary>
    /// Puts one dead letter back into its origin, attempt count reset to 1, and removes it from the dead letters, atomically.
    /// A stream's goes to the retried stream of the group that gave up on it (so the stream's other groups do not see it
    /// twice), or to the stream itself when that group no longer exists; a queue's to the back of priority level 0;
    /// a channel's is published, and kept when nobody listens.
    /// </summary>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<ReplayOutcome> ReplayDeadLetterAsync(Destination destination, DeadLetterId id, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        return await FindAsync(destination, layout, id, cancellationToken).ConfigureAwait(false) is { } letter
            ? await ReplayAsync(destination, layout, letter, cancellationToken).ConfigureAwait(false)
            : ReplayOutcome.NotFound;
    }

    /// <summary>
    /// Replays (as <see cref="ReplayDeadLetterAsync"/>) every dead letter of <paramref name="destination"/> that matches
    /// <paramref name="filter"/> and was there when the call began: a message that fails again meanwhile is not replayed twice.
    /// </summary>
    /// <param name="destination">A stream, queue or channel.</param>
    /// <param name="filter">Which dead letters; null for all.</param>
    /// <param name="progress">Told the number replayed so far, after each one.</param>
    /// <param name="cancellationToken">Stops between two dead letters; those replayed stay replayed.</param>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<DeadLetterReplaySummary> ReplayDeadLettersAsync(Destination destination, DeadLetterFilter? filter = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        long replayed = 0, kept = 0;
        foreach (var (partition, key) in DeadLetterKeys(destination, layout))
        {
            var newest = await _redis.StreamRangeReverseAsync(key, count: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (newest.Count == 0)
            {
                continue;
            }

            await foreach (var letter in ScanAsync(destination, partition, key, StartOf(filter, null, partition), EndOf(filter, newest[0].Id), filter, cancellationToken).ConfigureAwait(false))
            {
                if (await ReplayAsync(destination, layout, letter, cancellationToken).ConfigureAwait(false) == ReplayOutcome.Replayed)
                {
                    // Counted apart from the report: "progress?.Report(++replayed)" skips the increment when nobody listens.
                    replayed++;
                    progress?.Report(replayed);
                }
                else
                {
                    kept++;
                }
            }
        }

        return new DeadLetterReplaySummary(replayed, kept);
    }

    /// <summary>Deletes one dead letter without replaying it.</summary>
    /// <returns>True when it existed.</returns>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<bool> DeleteDeadLetterAsync(Destination destination, DeadLetterId id, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        if (await FindAsync(destination, layout, id, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        return await _redis.StreamDeleteAsync(DeadLetterKey(destination, layout, id.Partition), [id.EntryId], cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Deletes every dead letter of <paramref name="destination"/> that matches <paramref name="filter"/> (all when null).</summary>
    /// <returns>How many were deleted.</returns>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<long> PurgeDeadLettersAsync(Destination destination, DeadLetterFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var layout = await DeadLetterLayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        var deleted = 0L;
        foreach (var (partition, key) in DeadLetterKeys(destination, layout))
        {
            var batch = new List<string>(ScanPage);
            await foreach (var letter in ScanAsync(destination, partition, key, StartOf(filter, null, partition), EndOf(filter, null), filter, cancellationToken).ConfigureAwait(false))
            {
                batch.Add(letter.Id.EntryId);
                if (batch.Count == ScanPage)
                {
                    deleted += await _redis.StreamDeleteAsync(key, [.. batch], cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                deleted += await _redis.StreamDeleteAsync(key, [.. batch], cancellationToken).ConfigureAwait(false);
            }
        }

        return deleted;
    }

    // Dead letters per dead-letter stream (one per partition): small ones counted exactly, large ones by length.
    private async ValueTask<long[]> CountDeadLettersByKeyAsync(Destination destination, int layout, CancellationToken cancellationToken)
    {
        var keys = DeadLetterKeys(destination, layout).ToList();
        var counts = new long[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var (partition, key) = keys[i];
            var length = await _redis.StreamLengthAsync(key, cancellationToken).ConfigureAwait(false);
            if (length > ExactCountLimit)
            {
                counts[i] = length;
                continue;
            }

            await foreach (var _ in ScanAsync(destination, partition, key, StreamId.RangeStart, StreamId.RangeEnd, null, cancellationToken).ConfigureAwait(false))
            {
                counts[i]++;
            }
        }

        return counts;
    }

    private async ValueTask<ReplayOutcome> ReplayAsync(Destination destination, int layout, DeadLetter letter, CancellationToken cancellationToken)
    {
        var deadLetters = DeadLetterKey(destination, layout, letter.Id.Partition);

        // A fresh start: the attempts that failed are history, the dead letter records them.
        var envelope = letter.Envelope with { Attempt = 1 };
        ScriptOutcome reply;
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
            {
                var target = await StreamReplayTargetAsync(destination.Name, layout, letter, cancellationToken).ConfigureAwait(false);
                reply = await EvaluateReplayAsync([deadLetters, target], [letter.Id.EntryId, "stream", .. EnvelopeFormat.ToStreamFields(envelope)], cancellationToken).ConfigureAwait(false);
                break;
            }

            case DestinationKind.Queue:
                reply = await EvaluateReplayAsync([deadLetters, _keys.Queue(destination.Name)], [letter.Id.EntryId, "queue", EnvelopeFormat.ToFramed(envelope)], cancellationToken).ConfigureAwait(false);
                break;

            default:
                reply = await EvaluateReplayAsync([deadLetters], [letter.Id.EntryId, "channel", destination.Name, EnvelopeFormat.ToFramed(envelope)], cancellationToken).ConfigureAwait(false);
                break;
        }

        return reply switch
        {
            ScriptOutcome.Gone => ReplayOutcome.NotFound,
            ScriptOutcome.NobodyListening => ReplayOutcome.NoSubscriber,
            _ => ReplayOutcome.Replayed,
        };
    }

    private ValueTask<ScriptOutcome> EvaluateReplayAsync(RedisArg[] keys, RedisArg[] arguments, CancellationToken cancellationToken) =>
        _redis.EvaluateAsync(ScriptCatalog.DeadLetterReplay, keys, arguments, static reply =>
            reply.IsNull ? ScriptOutcome.Gone
            : reply.Type == Redis.Protocol.RespType.Integer && reply.AsInt64() == 0 ? ScriptOutcome.NobodyListening
            : ScriptOutcome.Done, cancellationToken);

    // The group that gave up reads its own retried stream, so only it sees the message again; without that group, the stream.
    private async ValueTask<string> StreamReplayTargetAsync(string name, int layout, DeadLetter letter, CancellationToken cancellationToken)
    {
        int? partition = layout == 1 ? null : letter.Id.Partition;
        var stream = _keys.Stream(name, partition);
        if (!KeySchema.IsValidName(letter.Group) || !await _redis.KeyExistsAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            return stream;
        }

        var groups = await _redis.StreamGroupsAsync(stream, cancellationToken).ConfigureAwait(false);
        return groups.Any(g => g.Name == letter.Group) ? _keys.RetriedStream(name, letter.Group, partition) : stream;
    }

    private async ValueTask<DeadLetter?> FindAsync(Destination destination, int layout, DeadLetterId id, CancellationToken cancellationToken)
    {
        var key = DeadLetterKey(destination, layout, id.Partition);
        var entries = await _redis.StreamRangeAsync(key, id.EntryId, id.EntryId, 1, cancellationToken).ConfigureAwait(false);
        return entries.Count == 1 && entries[0].GetString(DeadLetterFields.Origin) == destination.ToString()
            ? ToDeadLetter(entries[0], id.Partition, destination)
            : null;
    }

    // Pages through one dead-letter stream from start to end, yielding the letters from destination that match the filter.
    private async IAsyncEnumerable<DeadLetter> ScanAsync(Destination destination, int? partition, string key, string start, string end, DeadLetterFilter? filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var origin = destination.ToString();
        while (true)
        {
            var page = await _redis.StreamRangeAsync(key, start, end, ScanPage, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page)
            {
                if (entry.GetString(DeadLetterFields.Origin) != origin)
                {
                    continue;
                }

                var letter = ToDeadLetter(entry, partition, destination);
                if (filter is null || filter.Matches(letter))
                {
                    yield return letter;
                }
            }

            if (page.Count < ScanPage)
            {
                yield break;
            }

            start = "(" + page[^1].Id;
        }
    }

    private static DeadLetter ToDeadLetter(StreamEntry entry, int? partition, Destination origin)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in entry.Fields)
        {
            if (name.StartsWith("dlq-", StringComparison.Ordinal))
            {
                fields[name] = Encoding.UTF8.GetString(value.Span);
            }
        }

        var at = DateTimeOffset.TryParse(fields.GetValueOrDefault(DeadLetterFields.Time), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : StreamId.Parse(entry.Id).Timestamp;
        return new DeadLetter(
            new DeadLetterId(entry.Id, partition),
            origin,
            fields.GetValueOrDefault(DeadLetterFields.OriginId, string.Empty),
            fields.GetValueOrDefault(DeadLetterFields.Group, string.Empty),
            fields.GetValueOrDefault(DeadLetterFields.Reason, string.Empty),
            fields.GetValueOrDefault(DeadLetterFields.ErrorType) is { Length: > 0 } errorType ? errorType : null,
            fields.GetValueOrDefault(DeadLetterFields.Error, string.Empty),
            int.TryParse(fields.GetValueOrDefault(DeadLetterFields.Attempts), NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) ? attempts : 0,
            at,
            EnvelopeFormat.FromStreamFields(entry.Id, entry.Fields),
            fields);
    }

    // The first id to read: after the previous page's last letter (by id, then partition) and not before the filter's start.
    private static string StartOf(DeadLetterFilter? filter, DeadLetterId? after, int? partition)
    {
        var from = filter?.From is { } f ? StreamId.FromTimestamp(f) : StreamId.Min;
        if (after is not { } previous)
        {
            return from.ToString();
        }

        var last = StreamId.Parse(previous.EntryId);
        if (from > last)
        {
            return from.ToString();
        }

        // Ties on the entry id are broken by partition, as the page was sorted.
        return (partition ?? -1) <= (previous.Partition ?? -1) ? "(" + last : last.ToString();
    }

    private static string EndOf(DeadLetterFilter? filter, string? newest)
    {
        var end = filter?.To is { } to ? "(" + StreamId.FromTimestamp(to) : StreamId.RangeEnd;
        if (newest is null)
        {
            return end;
        }

        return filter?.To is { } limit && StreamId.FromTimestamp(limit) <= StreamId.Parse(newest) ? end : newest;
    }

    private async ValueTask<int> DeadLetterLayoutAsync(Destination destination, CancellationToken cancellationToken)
    {
        if (destination.Kind == DestinationKind.Pattern)
        {
            throw new ArgumentException($"A pattern has no dead letters of its own: those of {destination} are kept under each channel it matched.", nameof(destination));
        }

        return await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    private IEnumerable<(int? Partition, string Key)> DeadLetterKeys(Destination destination, int layout)
    {
        if (destination.Kind != DestinationKind.Stream || layout == 1)
        {
            yield return (null, DeadLetterKey(destination, layout, null));
            yield break;
        }

        for (var p = 0; p < layout; p++)
        {
            yield return (p, _keys.DeadLetters(destination.Name, p));
        }
    }

    private string DeadLetterKey(Destination destination, int layout, int? partition)
    {
        if (destination.Kind is DestinationKind.Channel or DestinationKind.Pattern)
        {
            return _keys.ChannelDeadLetters(destination.Name);
        }

        if (destination.Kind == DestinationKind.Queue || layout == 1)
        {
            return partition is null or 0
                ? _keys.DeadLetters(destination.Name)
                : throw new ArgumentException($"{destination} is not partitioned: a dead-letter id names no partition.", nameof(partition));
        }

        return partition is { } p && p >= 0 && p < layout
            ? _keys.DeadLetters(destination.Name, p)
            : throw new ArgumentException($"{destination} has {layout} partitions: a dead-letter id must name one of them (0 to {layout - 1}), as in 3/1715000000000-0.", nameof(partition));
    }

    private enum ScriptOutcome
    {
        Done,
        Gone,
        NobodyListening,
    }
}
