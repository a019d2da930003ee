using Herald.Redis.Protocol;

namespace Herald.Redis.Commands;

/// <summary>The reply shapes of the stream commands, read the same way on RESP2 and RESP3.</summary>
internal static class StreamReplies
{
    /// <summary>A list of entries (XRANGE, XCLAIM); nil items (deleted entries on Redis 6.2) are dropped.</summary>
    public static RespReplyParser<IReadOnlyList<StreamEntry>> Entries { get; } = static reply => ToEntries(reply, keepDeleted: false);

    /// <summary>The entries of the only stream an XREAD/XREADGROUP named; nil (timeout) is empty.</summary>
    public static RespReplyParser<IReadOnlyList<StreamEntry>> SingleStream { get; } = static reply =>
    {
        if (reply.Count == 0)
        {
            return [];
        }

        // RESP3: a map {key: entries}; RESP2: [[key, entries]].
        return ToEntries(reply.Type == RespType.Map ? reply[1] : reply[0][1], keepDeleted: true);
    };

    /// <summary>The entries per stream of an XREAD/XREADGROUP; nil (timeout) is empty.</summary>
    public static RespReplyParser<IReadOnlyList<StreamReadResult>> MultipleStreams { get; } = static reply =>
    {
        if (reply.Count == 0)
        {
            return [];
        }

        var isMap = reply.Type == RespType.Map;
        var result = new StreamReadResult[isMap ? reply.Count / 2 : reply.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var (key, entries) = isMap ? (reply[2 * i], reply[(2 * i) + 1]) : (reply[i][0], reply[i][1]);
            result[i] = new(RedisReplies.RequireString(key), ToEntries(entries, keepDeleted: true));
        }

        return result;
    };

    /// <summary>XAUTOCLAIM: [next start, entries, deleted ids (Redis 7+)].</summary>
    public static RespReplyParser<AutoClaimResult> AutoClaim { get; } = static reply => new(
        RedisReplies.RequireString(reply[0]),
        ToEntries(reply[1], keepDeleted: false),
        reply.Count > 2 ? RedisReplies.ToStringList(reply[2]) : []);

    /// <summary>XPENDING summary: [count, smallest, largest, [[consumer, count], …]]; the last three nil when nothing is pending.</summary>
    public static RespReplyParser<PendingSummary> PendingSummary { get; } = static reply => new(
        reply[0].AsInt64(),
        reply[1].AsString(),
        reply[2].AsString(),
        RedisReplies.ToList(reply[3], static consumer => new KeyValuePair<string, long>(RedisReplies.RequireString(consumer[0]), consumer[1].AsInt64())));

    /// <summary>XPENDING extended: [[id, consumer, idle ms, deliveries], …].</summary>
    public static RespReplyParser<IReadOnlyList<PendingEntry>> PendingEntries { get; } = static reply =>
        RedisReplies.ToList(reply, static item => new PendingEntry(
            RedisReplies.RequireString(item[0]),
            RedisReplies.RequireString(item[1]),
            RedisReplies.Milliseconds(item[2].AsInt64()),
            item[3].AsInt64()));

    /// <summary>XINFO STREAM: a map (RESP3) or flat pairs (RESP2).</summary>
    public static RespReplyParser<StreamInfo> Info { get; } = static reply => new(
        RedisReplies.Require(reply, "length"u8).AsInt64(),
        RedisReplies.Require(reply, "radix-tree-keys"u8).AsInt64(),
        RedisReplies.Require(reply, "radix-tree-nodes"u8).AsInt64(),
        RedisReplies.Require(reply, "groups"u8).AsInt64(),
        RedisReplies.RequireString(RedisReplies.Require(reply, "last-generated-id"u8)),
        RedisReplies.FindString(reply, "max-deleted-entry-id"u8),
        RedisReplies.FindInt64(reply, "entries-added"u8),
        RedisReplies.FindString(reply, "recorded-first-entry-id"u8),
        ToOptionalEntry(RedisReplies.Find(reply, "first-entry"u8)),
        ToOptionalEntry(RedisReplies.Find(reply, "last-entry"u8)));

    /// <summary>XINFO GROUPS: a list of maps (RESP3) or flat pairs (RESP2).</summary>
    public static RespReplyParser<IReadOnlyList<StreamGroupInfo>> Groups { get; } = static reply =>
        RedisReplies.ToList(reply, static group => new StreamGroupInfo(
            RedisReplies.RequireString(RedisReplies.Require(group, "name"u8)),
            RedisReplies.Require(group, "consumers"u8).AsInt64(),
            RedisReplies.Require(group, "pending"u8).AsInt64(),
            RedisReplies.RequireString(RedisReplies.Require(group, "last-delivered-id"u8)),
            RedisReplies.FindInt64(group, "entries-read"u8),
            RedisReplies.FindInt64(group, "lag"u8)));

    /// <summary>XINFO CONSUMERS: a list of maps (RESP3) or flat pairs (RESP2).</summary>
    public static RespReplyParser<IReadOnlyList<StreamConsumerInfo>> Consumers { get; } = static reply =>
        RedisReplies.ToList(reply, static consumer => new StreamConsumerInfo(
            RedisReplies.RequireString(RedisReplies.Require(consumer, "name"u8)),
            RedisReplies.Require(consumer, "pending"u8).AsInt64(),
            RedisReplies.Milliseconds(RedisReplies.Require(consumer, "idle"u8).AsInt64()),
            RedisReplies.FindInt64(consumer, "inactive"u8) is >= 0 and var inactive ? RedisReplies.Milliseconds(inactive) : null));

    private static StreamEntry? ToOptionalEntry(RespValue? entry) => entry is null || entry.IsNull ? null : ToEntry(entry);

    /// <summary>[id, [field, value, …]]; the fields are nil for an id pending in a group whose entry was deleted.</summary>
    private static StreamEntry ToEntry(RespValue entry)
    {
        var id = RedisReplies.RequireString(entry[0]);
        var fields = entry[1];
        if (fields.IsNull)
        {
            return StreamEntry.Deleted(id);
        }

        var pairs = new KeyValuePair<string, ReadOnlyMemory<byte>>[fields.Count / 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(FieldName(fields[2 * i]), fields[(2 * i) + 1].Bytes);
        }

        return new StreamEntry(id, pairs);
    }

    // Entries of one stream repeat the same few field names: each is decoded once, not once per entry.
    private static string FieldName(RespValue name) => name.Type is RespType.BulkString or RespType.SimpleString
        ? Utf8StringCache.Shared.Get(name.Bytes.Span)
        : RedisReplies.RequireString(name);

    private static StreamEntry[] ToEntries(RespValue entries, bool keepDeleted)
    {
        var result = new StreamEntry[entries.Count];
        var kept = 0;
        for (var i = 0; i < result.Length; i++)
        {
            // Redis 6.2 answers XCLAIM/XAUTOCLAIM with nil for an entry deleted while pending.
            var entry = entries[i];
            if (!entry.IsNull && (keepDeleted || !entry[1].IsNull))
            {
                result[kept++] = ToEntry(entry);
            }
        }

        if (kept < result.Length)
        {
            Array.Resize(ref result, kept);
        }

        return result;
    }
}
