using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Codecs;
using Herald.Messages;
using Herald.Redis;
using Spectre.Console;

namespace Herald.Cli.Messaging;

/// <summary>
/// One message as <c>herald listen</c> and <c>herald tail</c> print it; the JSON shape of each line of their
/// <c>--json</c> output. The body is shown decoded: JSON as JSON, UTF-8 text as text, anything else as base64.
/// </summary>
/// <param name="Destination">Where it was read: <c>channel:x</c> (the channel it came on, also through a pattern) or <c>stream:x</c>.</param>
/// <param name="Id">The message id.</param>
/// <param name="EntryId">Streams: the entry id; otherwise null.</param>
/// <param name="Partition">Partitioned streams: the partition the entry is in; otherwise null.</param>
/// <param name="Time">When it was published.</param>
/// <param name="Type">The message type; empty when the producer set none.</param>
/// <param name="Headers">User headers.</param>
/// <param name="PartitionKey">The partition key, or null.</param>
/// <param name="Attempt">The delivery attempt recorded in the message (1 unless it was retried).</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Body">The body when it is JSON.</param>
/// <param name="BodyText">The body when it is text that is not JSON.</param>
/// <param name="BodyBase64">The body when it is neither JSON nor UTF-8 text.</param>
/// <param name="BodyError">Why the body could not be shown (encrypted, corrupt); the other body fields are then null.</param>
internal sealed record MessageView(
    string Destination,
    string Id,
    string? EntryId,
    int? Partition,
    DateTimeOffset Time,
    string Type,
    IReadOnlyDictionary<string, string> Headers,
    string? PartitionKey,
    int Attempt,
    string? ContentType,
    JsonElement? Body,
    string? BodyText,
    string? BodyBase64,
    string? BodyError)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="envelope"/> for display; a body that cannot be undone is described, not thrown.</summary>
    public static MessageView From(string destination, string? entryId, int? partition, MessageEnvelope envelope, MessageCodec codec)
    {
        JsonElement? json = null;
        string? text = null, base64 = null, error = null;
        try
        {
            var data = codec.Unwrap(envelope);
            if (!TryJson(data, out json))
            {
                try
                {
                    text = s_strictUtf8.GetString(data.Span);
                }
                catch (DecoderFallbackException)
                {
                    base64 = Convert.ToBase64String(data.Span);
                }
            }
        }
        catch (HeraldException exception)
        {
            error = exception.Message;
        }

        return new MessageView(destination, envelope.Id, entryId, partition, envelope.Time, envelope.Type, envelope.Headers, envelope.PartitionKey,
            envelope.Attempt, envelope.DataContentType, json, text, base64, error);
    }

    /// <summary>The body as one line of text.</summary>
    [JsonIgnore]
    public string BodyForDisplay =>
        Body is { } json ? JsonSerializer.Serialize(json, Output.CliJsonContext.Lines.JsonElement)
        : BodyText is not null ? BodyText
        : BodyBase64 is not null ? "base64:" + BodyBase64
        : $"<{BodyError}>";

    /// <summary>Writes the message as one or two lines: what, where and when, then the body.</summary>
    public void Render(IAnsiConsole console)
    {
        var headers = Headers.Count == 0 ? string.Empty : " " + string.Join(' ', Headers.Select(static h => $"{h.Key}={h.Value}"));
        var entry = EntryId is null ? string.Empty : $" entry={EntryId}";
        if (Partition is { } partition)
        {
            entry += string.Create(CultureInfo.InvariantCulture, $" partition={partition}");
        }

        var type = Type.Length == 0 ? "(no type)" : Type;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[grey]{Time.ToUniversalTime():yyyy-MM-dd HH:mm:ss.fff}[/] [blue]{Destination}[/] [yellow]{type}[/] id={Id}{entry}{headers}");
        console.WriteLine("  " + BodyForDisplay, Style.Plain);
    }

    private static bool TryJson(ReadOnlyMemory<byte> data, out JsonElement? json)
    {
        json = null;
        var span = data.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty || (span[0] != '{' && span[0] != '[' && span[0] != '"' && span[0] != 't' && span[0] != 'f' && span[0] != 'n' && span[0] != '-' && !char.IsAsciiDigit((char)span[0])))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            json = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
