using System.CommandLine;
using System.Globalization;
using Herald.Cli.Messaging;
using Herald.Cli.Output;
using Herald.Codecs;
using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Spectre.Console;

namespace Herald.Cli.Commands.Tail;

/// <summary>
/// <c>herald tail</c>: prints a stream's entries without consuming them: no group reads, no acknowledgements,
/// nothing written. With <c>--group</c> it shows what that group has not been delivered yet.
/// </summary>
internal static class TailCommand
{
    private const int DefaultCount = 10;

    public static Command Create()
    {
        var stream = new Argument<string>("stream") { Description = "The stream: stream:<name> or just <name>." };
        var group = new Option<string>("--group", "-g") { Description = "Show only what this consumer group has not been delivered yet (after its last-delivered id)." };
        var from = new Option<string>("--from")
        {
            Description = "Where to start: start, end (only new entries, with --follow), an entry id (1700000000000-0), a time (2025-01-31T12:00:00Z) or an age (10m, 2h). Default: the last --count entries.",
            HelpName = "start|end|id|time|age",
        };
        var count = new Option<int>("--count", "-n")
        {
            Description = $"How many entries to print (default {DefaultCount}; unlimited with --follow). 0 means no limit.",
        }.InRange(0, int.MaxValue);
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing entries as they are added, until Ctrl+C." };

        return new Command("tail", "Print a stream's entries (decoded) without consuming or acknowledging anything.") { stream, group, from, count, follow }
            .WithHandler((context, parseResult, cancellationToken) =>
            {
                var text = parseResult.GetValue(stream)!;
                var destination = text.Contains(':', StringComparison.Ordinal) && text.Split(':', 2)[0].ToLowerInvariant() is "stream" or "queue" or "channel" or "pattern"
                    ? CliArguments.Destination(text, DestinationKind.Stream)
                    : CliArguments.Destination("stream:" + text, DestinationKind.Stream);
                var followed = parseResult.GetValue(follow);
                var request = new TailRequest(
                    destination,
                    parseResult.GetValue(group),
                    ParseFrom(parseResult.GetValue(from)),
                    parseResult.GetResult(count) is not null ? parseResult.GetValue(count) : followed ? 0 : DefaultCount,
                    followed);
                if (request.Group is not null && request.From is not null)
                {
                    throw new CliUsageException("--group and --from both say where to start; give one of them.");
                }

                return RunAsync(context, request, CliGlobalOptions.KeySchema(parseResult), cancellationToken);
            });
    }

    private static async Task<int> RunAsync(CliContext context, TailRequest request, KeySchema keys, CancellationToken cancellationToken)
    {
        await using var redis = await context.ConnectAsync(cancellationToken);
        var partitions = await PartitionsAsync(redis, keys, request.Destination, cancellationToken);
        var codec = new MessageCodec(new CodecOptions());
        var printed = 0L;
        var limit = request.Count == 0 ? long.MaxValue : request.Count;
        try
        {
            var after = request.Group is { } group
                ? await GroupPositionsAsync(redis, request.Destination, partitions, group, cancellationToken)
                : await StartPositionsAsync(redis, partitions, request, cancellationToken);
            if (after is null)
            {
                // The last --count entries: read backwards from every partition, keep the newest.
                var newest = new List<(StreamEntry Entry, int Index)>();
                for (var i = 0; i < partitions.Count; i++)
                {
                    newest.AddRange((await redis.StreamRangeReverseAsync(partitions[i], count: request.Count, cancellationToken: cancellationToken)).Select(e => (e, i)));
                }

                foreach (var (entry, index) in newest.OrderByDescending(e => MergeOrder.Of(e.Entry)).Take(request.Count).Reverse())
                {
                    Print(context, request.Destination, partitions.Count, entry, index, codec);
                    printed++;
                }

                after = LatestPositions(newest, partitions.Count);
            }
            else
            {
                printed += await PrintRangeAsync(context, redis, request.Destination, partitions, after, limit, codec, cancellationToken);
            }

            if (request.Follow)
            {
                await FollowAsync(context, redis, request.Destination, partitions, after, limit, printed, codec, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && request.Follow)
        {
            // Ctrl+C ends --follow: that is how it is meant to stop.
        }

        return ExitCodes.Success;
    }

    // Entries after each partition's position, merged by id, until the limit; the positions advance as they are printed.
    private static async Task<long> PrintRangeAsync(CliContext context, RedisClient redis, Destination destination, IReadOnlyList<string> partitions, string[] after,
        long limit, MessageCodec codec, CancellationToken cancellationToken)
    {
        const int Page = 500;
        long printed = 0;
        while (printed < limit)
        {
            var size = (int)Math.Min(Page, limit - printed);
            var page = new List<(StreamEntry Entry, int Index)>();
            MergeOrder? bound = null;
            for (var i = 0; i < partitions.Count; i++)
            {
                var entries = await redis.StreamRangeAsync(partitions[i], "(" + after[i], StreamId.RangeEnd, size, cancellationToken);
                page.AddRange(entries.Select(e => (e, i)));
                if (entries.Count == size && MergeOrder.Of(entries[^1]) is var last && (bound is null || last.CompareTo(bound.Value) < 0))
                {
                    // This partition may hold more beyond its page: nothing later than its last entry is certainly next.
                    bound = last;
                }
            }

            if (page.Count == 0)
            {
                break;
            }

            var ordered = page.Where(e => bound is null || MergeOrder.Of(e.Entry).CompareTo(bound.Value) <= 0)
                .OrderBy(e => MergeOrder.Of(e.Entry)).Take((int)Math.Min(int.MaxValue, limit - printed));
            foreach (var (entry, index) in ordered)
            {
                Print(context, destination, partitions.Count, entry, index, codec);
                after[index] = entry.Id;
                printed++;
            }
        }

        return printed;
    }

    private static async Task FollowAsync(CliContext context, RedisClient redis, Destination destination, IReadOnlyList<string> partitions, string[] after,
        long limit, long printed, MessageCodec codec, CancellationToken cancellationToken)
    {
        while (printed < limit)
        {
            var positions = partitions.Select((key, i) => new StreamPosition(key, after[i])).ToArray();
            var results = await redis.StreamReadAsync(positions, count: 500, block: TimeSpan.FromSeconds(1), cancellationToken: cancellationToken);
            var arrived = results
                .SelectMany(r => r.Entries.Select(e => (Entry: e, Index: IndexOf(partitions, r.Key))))
                .OrderBy(e => MergeOrder.Of(e.Entry));
            foreach (var (entry, index) in arrived)
            {
                if (printed >= limit)
                {
                    return;
                }

                Print(context, destination, partitions.Count, entry, index, codec);
                after[index] = entry.Id;
                printed++;
            }
        }
    }

    private static void Print(CliContext context, Destination destination, int partitionCount, StreamEntry entry, int index, MessageCodec codec)
    {
        var envelope = EnvelopeFormat.FromStreamFields(entry.Id, entry.Fields);
        var view = MessageView.From(destination.ToString(), entry.Id, partitionCount > 1 ? index : null, envelope, codec);
        if (context.Json)
        {
            context.WriteJson(view, CliJsonContext.Lines.MessageView);
        }
        else
        {
            view.Render(context.Console);
        }
    }

    // The stream's physical keys: one per partition, as the registry records the partition count.
    private static async Task<IReadOnlyList<string>> PartitionsAsync(RedisClient redis, KeySchema keys, Destination destination, CancellationToken cancellationToken)
    {
        var layout = await redis.HashGetAsync(keys.Destinations(), destination.ToString(), cancellationToken);
        if (layout is not null && int.TryParse(layout, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 1)
        {
            return [.. Enumerable.Range(0, count).Select(p => keys.Stream(destination.Name, p))];
        }

        var key = keys.Stream(destination.Name);
        if (layout is null && !await redis.KeyExistsAsync(key, cancellationToken))
        {
            var known = (await redis.HashGetAllAsync(keys.Destinations(), cancellationToken)).Keys
                .Where(static k => k.StartsWith("stream:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            var hint = known.Count == 0
                ? $"no streams are registered under the prefix '{keys.Prefix}' (see --prefix)"
                : $"known streams under '{keys.Prefix}': {string.Join(", ", known.Take(10))}{(known.Count > 10 ? ", …" : string.Empty)}";
            throw new CliNotFoundException($"{destination} does not exist: {hint}.");
        }

        return [key];
    }

    private static async Task<string[]> GroupPositionsAsync(RedisClient redis, Destination destination, IReadOnlyList<string> partitions, string group, CancellationToken cancellationToken)
    {
        var positions = new string[partitions.Count];
        for (var i = 0; i < partitions.Count; i++)
        {
            var groups = await redis.KeyExistsAsync(partitions[i], cancellationToken) ? await redis.StreamGroupsAsync(partitions[i], cancellationToken) : [];
            positions[i] = groups.FirstOrDefault(g => g.Name == group)?.LastDeliveredId
                ?? throw new CliNotFoundException(groups.Count == 0
                    ? $"{destination} has no consumer group '{group}' (it has no groups)."
                    : $"{destination} has no consumer group '{group}'; its groups: {string.Join(", ", groups.Select(g => g.Name))}.");
        }

        return positions;
    }

    // Null means "the last --count entries"; otherwise the exclusive start of each partition.
    private static async Task<string[]?> StartPositionsAsync(RedisClient redis, IReadOnlyList<string> partitions, TailRequest request, CancellationToken cancellationToken)
    {
        if (request.From is null)
        {
            return request.Follow && request.Count == 0 ? await EndPositionsAsync(redis, partitions, cancellationToken) : null;
        }

        return request.From.Value.AtEnd
            ? await EndPositionsAsync(redis, partitions, cancellationToken)
            : [.. partitions.Select(_ => request.From.Value.After!)];
    }

    // The exclusive id to read after, or "at the end"; checked before connecting, so a typo is a usage error.
    private static FromPosition? ParseFrom(string? text)
    {
        var from = text?.Trim();
        if (string.IsNullOrEmpty(from))
        {
            return null;
        }

        if (from.Equals("start", StringComparison.OrdinalIgnoreCase))
        {
            return new FromPosition(StreamId.Min.ToString(), AtEnd: false);
        }

        if (from.Equals("end", StringComparison.OrdinalIgnoreCase))
        {
            return new FromPosition(null, AtEnd: true);
        }

        if (StreamId.TryParse(from, out var id))
        {
            return new FromPosition(Before(id), AtEnd: false);
        }

        if (char.IsAsciiLetter(from[^1]) && !from.Contains('T', StringComparison.Ordinal) && CliArguments.TryParseDuration(from, out var age))
        {
            return new FromPosition(Before(StreamId.FromTimestamp(TimeProvider.System.GetUtcNow() - age)), AtEnd: false);
        }

        if (DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return new FromPosition(Before(StreamId.FromTimestamp(time)), AtEnd: false);
        }

        throw new CliUsageException($"--from takes start, end, an entry id (1700000000000-0), a time (2025-01-31T12:00:00Z) or an age (10m); got '{from}'.");
    }

    // Each partition's last id now, so only entries added from here on are shown.
    private static async Task<string[]> EndPositionsAsync(RedisClient redis, IReadOnlyList<string> partitions, CancellationToken cancellationToken)
    {
        var positions = new string[partitions.Count];
        for (var i = 0; i < partitions.Count; i++)
        {
            var last = await redis.StreamRangeReverseAsync(partitions[i], count: 1, cancellationToken: cancellationToken);
            positions[i] = last.Count == 0 ? StreamId.Min.ToString() : last[0].Id;
        }

        return positions;
    }

    private static string[] LatestPositions(List<(StreamEntry Entry, int Index)> entries, int partitions)
    {
        var positions = Enumerable.Repeat(StreamId.Min.ToString(), partitions).ToArray();
        foreach (var group in entries.GroupBy(e => e.Index))
        {
            positions[group.Key] = group.MaxBy(e => StreamId.Parse(e.Entry.Id)).Entry.Id;
        }

        return positions;
    }

    // Ranges here are exclusive ("(" + id), so an inclusive start is the id just below it.
    private static string Before(StreamId id) =>
        id == StreamId.Min ? id.ToString()
        : id.Sequence > 0 ? new StreamId(id.Milliseconds, id.Sequence - 1).ToString()
        : new StreamId(id.Milliseconds - 1, ulong.MaxValue).ToString();

    private static int IndexOf(IReadOnlyList<string> partitions, string key)
    {
        for (var i = 0; i < partitions.Count; i++)
        {
            if (partitions[i] == key)
            {
                return i;
            }
        }

        return 0;
    }

    private sealed record TailRequest(Destination Destination, string? Group, FromPosition? From, int Count, bool Follow);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
    private readonly record struct FromPosition(string? After, bool AtEnd);

    /// <summary>
    /// The order entries of different partitions are merged in: by the millisecond of their id, then by the time the
    /// publisher stamped (sequence numbers of different partitions say nothing about each other), then by sequence.
    /// </summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
    private readonly record struct MergeOrder(ulong Milliseconds, DateTimeOffset Published, ulong Sequence) : IComparable<MergeOrder>
    {
        public static MergeOrder Of(StreamEntry entry)
        {
            var id = StreamId.Parse(entry.Id);
            var published = entry.GetString(EnvelopeFormat.Fields.Time) is { } text
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : DateTimeOffset.MinValue;
            return new MergeOrder(id.Milliseconds, published, id.Sequence);
        }

        public int CompareTo(MergeOrder other) =>
            Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds)
            : Published != other.Published ? Published.CompareTo(other.Published)
            : Sequence.CompareTo(other.Sequence);
    }
}
