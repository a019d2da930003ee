using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Herald.Messages;
using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>
/// Names one dead letter: its entry id in the dead-letter stream, and the partition whose dead-letter stream
/// holds it when the stream is partitioned. Written <c>1715000000000-0</c>, or <c>3/1715000000000-0</c> for partition 3.
/// </summary>
/// <param name="EntryId">The dead-letter stream entry id.</param>
/// <param name="Partition">The partition, or null for an unpartitioned stream, a queue or a channel.</param>
public readonly record struct DeadLetterId(string EntryId, int? Partition = null)
{
    /// <summary>Parses the form <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException">The text is not a dead-letter id.</exception>
    public static DeadLetterId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a dead-letter id: expected <entry id> or <partition>/<entry id>, e.g. 1715000000000-0 or 3/1715000000000-0.");

    /// <summary>Parses the form <see cref="ToString"/> writes; false for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out DeadLetterId id)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        int? partition = null;
        if (slash >= 0)
        {
            if (!int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                return false;
            }

            partition = p;
        }

        var entry = text[(slash + 1)..];
        if (!StreamId.TryParse(entry, out var parsed))
        {
            return false;
        }

        id = new DeadLetterId(parsed.ToString(), partition);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Partition is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p}/{EntryId}") : EntryId;

    /// <summary>Orders by entry id (the time it was dead-lettered), then partition: the order of listed pages.</summary>
    internal static int Compare(DeadLetterId a, DeadLetterId b)
    {
        var byId = StreamId.Parse(a.EntryId).CompareTo(StreamId.Parse(b.EntryId));
        return byId != 0 ? byId : (a.Partition ?? -1).CompareTo(b.Partition ?? -1);
    }
}

/// <summary>A message that could not be handled, as its dead-letter entry records it.</summary>
/// <param name="Id">Where it is.</param>
/// <param name="Origin">The destination it came from (<c>dlq-origin</c>).</param>
/// <param name="OriginId">Its entry id in the origin stream, or its message id for queues and channels (<c>dlq-origin-id</c>).</param>
/// <param name="Group">The consumer group that gave up on it (<c>dlq-group</c>).</param>
/// <param name="Reason">Why (<c>dlq-reason</c>), a <see cref="DeadLetterReason"/> name for Herald's own dead letters.</param>
/// <param name="ErrorType">The exception's type name, or null when there was none.</param>
/// <param name="Error">The error message.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
/// <param name="Envelope">The message: attributes, headers and the encoded body.</param>
/// <param name="Fields">Every <c>dlq-*</c> field as text (the stack trace among them, under <c>dlq-stack</c>).</param>
public sealed record DeadLetter(
    DeadLetterId Id,
    Destination Origin,
    string OriginId,
    string Group,
    string Reason,
    string? ErrorType,
    string Error,
    int Attempts,
    DateTimeOffset DeadLetteredAt,
    MessageEnvelope Envelope,
    IReadOnlyDictionary<string, string> Fields);

/// <summary>One dead letter with its body decoded for reading.</summary>
/// <param name="Letter">The dead letter.</param>
/// <param name="Body">The serialised body after the envelope's decryption and decompression; null when they failed.</param>
/// <param name="BodyText">The body as UTF-8 text, when it is valid UTF-8 (JSON always is); null otherwise.</param>
/// <param name="BodyError">Why the body could not be unwrapped (no key ring, unknown key, corrupt data); null when it could.</param>
public sealed record DeadLetterDetails(DeadLetter Letter, ReadOnlyMemory<byte>? Body, string? BodyText, string? BodyError);

/// <summary>Which dead letters to list, replay or purge. Every condition set must hold; none set matches all.</summary>
public sealed record DeadLetterFilter
{
    /// <summary>Matches <see cref="DeadLetter.Reason"/> (case-insensitive), e.g. <c>HandlerFailed</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Matches the message type exactly, e.g. <c>shop.order.placed</c>.</summary>
    public string? MessageType { get; init; }

    /// <summary>Matches the consumer group that gave up.</summary>
    public string? Group { get; init; }

    /// <summary>Dead-lettered at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Dead-lettered before this time.</summary>
    public DateTimeOffset? To { get; init; }

    internal bool Matches(DeadLetter letter) =>
        (Reason is null || string.Equals(Reason, letter.Reason, StringComparison.OrdinalIgnoreCase))
        && (MessageType is null || string.Equals(MessageType, letter.Envelope.Type, StringComparison.Ordinal))
        && (Group is null || string.Equals(Group, letter.Group, StringComparison.Ordinal));
}

/// <summary>One page of dead letters, oldest first.</summary>
/// <param name="Items">The dead letters on this page.</param>
/// <param name="Next">Pass as <c>after</c> to read the next page; null when this is the last one.</param>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetter> Items, DeadLetterId? Next);

/// <summary>What replaying one dead letter did.</summary>
public enum ReplayOutcome
{
    /// <summary>It is back in its origin and gone from the dead letters.</summary>
    Replayed,

    /// <summary>There is no such dead letter (already replayed or deleted).</summary>
    NotFound,

    /// <summary>Its channel has no subscriber: publishing would lose it, so it stays a dead letter.</summary>
    NoSubscriber,
}

/// <summary>What replaying many dead letters did.</summary>
/// <param name="Replayed">Messages put back into their origin.</param>
/// <param name="Kept">Matching dead letters left in place: gone meanwhile, or a channel without subscribers.</param>
public sealed record DeadLetterReplaySummary(long Replayed, long Kept);
