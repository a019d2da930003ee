using Herald.Inspection;

namespace Herald.Cli.Commands.Dlq;

/// <summary>The <c>--json</c> shape of <c>herald dlq list</c>.</summary>
/// <param name="Destination">The destination whose dead letters these are.</param>
/// <param name="Items">Oldest first.</param>
/// <param name="Next">Pass as <c>--after</c> for the next page; null on the last one.</param>
internal sealed record DlqListResult(string Destination, IReadOnlyList<DeadLetterRow> Items, string? Next);

/// <summary>One dead letter in a list: where it is, why it failed, and which message it was.</summary>
internal sealed record DeadLetterRow(
    string Id,
    DateTimeOffset DeadLetteredAt,
    string Group,
    string Reason,
    string? ErrorType,
    string Error,
    int Attempts,
    string MessageId,
    string MessageType,
    string OriginId)
{
    public static DeadLetterRow From(DeadLetter letter) => new(
        letter.Id.ToString(), letter.DeadLetteredAt, letter.Group, letter.Reason, letter.ErrorType, letter.Error, letter.Attempts,
        letter.Envelope.Id, letter.Envelope.Type, letter.OriginId);
}

/// <summary>The <c>--json</c> shape of <c>herald dlq show</c>: the dead letter, its message's attributes and headers, and its body.</summary>
/// <param name="Destination">The origin destination.</param>
/// <param name="Letter">The list row.</param>
/// <param name="Source">The message's source attribute.</param>
/// <param name="Time">When the message was published.</param>
/// <param name="ContentType">Its content type.</param>
/// <param name="ContentEncoding">The codec steps applied to its body (compression, encryption).</param>
/// <param name="TraceParent">Its W3C trace context.</param>
/// <param name="Headers">User headers.</param>
/// <param name="Body">The body as text, when it could be unwrapped and is UTF-8.</param>
/// <param name="BodyBase64">The unwrapped body in base64 when it is not text.</param>
/// <param name="BodyError">Why the body could not be unwrapped (e.g. encrypted with a key the CLI does not have).</param>
/// <param name="StackTrace">The handler's stack trace, when recorded.</param>
/// <param name="Fields">Every <c>dlq-*</c> field as stored.</param>
internal sealed record DlqShowResult(
    string Destination,
    DeadLetterRow Letter,
    string? Source,
    DateTimeOffset? Time,
    string? ContentType,
    string? ContentEncoding,
    string? TraceParent,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    string? BodyBase64,
    string? BodyError,
    string? StackTrace,
    IReadOnlyDictionary<string, string> Fields);

/// <summary>The <c>--json</c> shape of <c>herald dlq replay</c>.</summary>
/// <param name="Destination">The origin destination.</param>
/// <param name="Replayed">Messages put back into their origin.</param>
/// <param name="Kept">Dead letters left in place: gone meanwhile, or a channel nobody listens to.</param>
/// <param name="Ids">Each id asked for with what happened (<c>replayed</c>, <c>notFound</c>, <c>noSubscriber</c>); empty for a bulk replay.</param>
internal sealed record DlqReplayResult(string Destination, long Replayed, long Kept, IReadOnlyList<DlqIdOutcome> Ids);

/// <summary>What replaying one named dead letter did.</summary>
internal sealed record DlqIdOutcome(string Id, string Outcome);

/// <summary>The <c>--json</c> shape of <c>herald dlq purge</c> and <c>herald dlq delete</c>.</summary>
internal sealed record DlqRemoveResult(string Destination, long Deleted);
