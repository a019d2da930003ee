using System.Collections.Frozen;

namespace Herald.Messages;

/// <summary>
/// A message as it travels: CloudEvents 1.0 attributes (<c>id</c>, <c>type</c>, <c>source</c>, <c>time</c>,
/// <c>datacontenttype</c>), Herald's own (<c>contentencoding</c>, <c>keyid</c>, <c>traceparent</c>,
/// <c>tracestate</c>, <c>attempt</c>, <c>partitionkey</c>), user headers, and the body bytes as produced by the codec pipeline.
/// See <c>docs/wire-format.md</c>.
/// </summary>
public sealed record MessageEnvelope
{
    /// <summary>The empty header set.</summary>
    public static IReadOnlyDictionary<string, string> NoHeaders { get; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Unique id of the message (CloudEvents <c>id</c>), kept across retries and replays.</summary>
    public required string Id { get; init; }

    /// <summary>The message type (CloudEvents <c>type</c>), used to route it to a handler. Empty when a foreign producer sent none.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>Who produced it (CloudEvents <c>source</c>), or null.</summary>
    public string? Source { get; init; }

    /// <summary>When it was first published.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The serialised body's media type (<c>application/json</c>, <c>application/x-protobuf</c>, <c>application/octet-stream</c>).</summary>
    public string? DataContentType { get; init; }

    /// <summary>The transformations applied after serialising, in order (<c>gzip</c>, <c>br</c>, <c>aes256gcm</c>), comma-separated; null for none.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The id of the encryption key, when <see cref="ContentEncoding"/> includes encryption.</summary>
    public string? KeyId { get; init; }

    /// <summary>W3C trace context of the producer's span.</summary>
    public string? TraceParent { get; init; }

    /// <summary>W3C <c>tracestate</c> of the producer's span (vendor-specific trace data), or null.</summary>
    public string? TraceState { get; init; }

    /// <summary>Delivery attempt, 1 for the first delivery; raised by delayed retries.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The partition key that chose the partition and orders messages that share it.</summary>
    public string? PartitionKey { get; init; }

    /// <summary>User headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = NoHeaders;

    /// <summary>The body: the serialised message after compression and encryption.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Total size in bytes of the body and attributes, as checked against the maximum message size.</summary>
    public int ApproximateSize
    {
        get
        {
            var size = Data.Length + Id.Length + Type.Length + (Source?.Length ?? 0) + (DataContentType?.Length ?? 0)
                + (ContentEncoding?.Length ?? 0) + (KeyId?.Length ?? 0) + (TraceParent?.Length ?? 0) + (TraceState?.Length ?? 0) + (PartitionKey?.Length ?? 0) + 64;
            foreach (var (key, value) in Headers)
            {
                size += key.Length + value.Length + 4;
            }

            return size;
        }
    }
}
