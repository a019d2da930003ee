using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Redis;
using Herald.Redis.Protocol;

namespace Herald.Messages;

/// <summary>
/// Reads and writes envelopes in Herald's two wire forms (documented in <c>docs/wire-format.md</c>):
/// stream entries, where each attribute is an entry field and the body is the <c>data</c> field; and
/// framed values (Pub/Sub messages, list items), which are CloudEvents 1.0 structured-mode JSON.
/// Foreign producers are welcome: a stream entry with any fields, or a list item that is not a
/// CloudEvent, is still read as a message whose body is what was sent.
/// </summary>
public static class EnvelopeFormat
{
    private const int MaxKeptFrameBuffer = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_frameBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_frameWriter;

    // Types, sources, content types and key ids repeat from message to message: decode each once.
    private static readonly Utf8StringCache s_attributes = new(4096);

    /// <summary>Entry field and JSON attribute names.</summary>
    public static class Fields
    {
        /// <summary>CloudEvents <c>id</c>.</summary>
        public const string Id = "id";

        /// <summary>CloudEvents <c>type</c>.</summary>
        public const string Type = "type";

        /// <summary>CloudEvents <c>source</c>.</summary>
        public const string Source = "source";

        /// <summary>CloudEvents <c>time</c> (RFC 3339).</summary>
        public const string Time = "time";

        /// <summary>CloudEvents <c>datacontenttype</c>.</summary>
        public const string DataContentType = "datacontenttype";

        /// <summary>Herald: transformations after serialisation.</summary>
        public const string ContentEncoding = "contentencoding";

        /// <summary>Herald: encryption key id.</summary>
        public const string KeyId = "keyid";

        /// <summary>W3C trace context.</summary>
        public const string TraceParent = "traceparent";

        /// <summary>W3C trace state.</summary>
        public const string TraceState = "tracestate";

        /// <summary>Herald: delivery attempt.</summary>
        public const string Attempt = "attempt";

        /// <summary>Herald: partition key.</summary>
        public const string PartitionKey = "partitionkey";

        /// <summary>The body (stream field; JSON <c>data</c> when embedded JSON).</summary>
        public const string Data = "data";

        /// <summary>JSON: the body in base64 when it is not plain JSON.</summary>
        public const string DataBase64 = "data_base64";

        /// <summary>JSON: the CloudEvents spec version, always <c>1.0</c>.</summary>
        public const string SpecVersion = "specversion";

        /// <summary>JSON: the object holding user headers.</summary>
        public const string Headers = "heraldheaders";

        /// <summary>Stream field prefix of a user header.</summary>
        public const string HeaderPrefix = "h-";
    }

    private static readonly (byte[] Utf8, Property Property)[] s_properties =
    [
        (Encoding.UTF8.GetBytes(Fields.SpecVersion), Property.SpecVersion),
        (Encoding.UTF8.GetBytes(Fields.Id), Property.Id),
        (Encoding.UTF8.GetBytes(Fields.Type), Property.Type),
        (Encoding.UTF8.GetBytes(Fields.Source), Property.Source),
        (Encoding.UTF8.GetBytes(Fields.Time), Property.Time),
        (Encoding.UTF8.GetBytes(Fields.DataContentType), Property.DataContentType),
        (Encoding.UTF8.GetBytes(Fields.ContentEncoding), Property.ContentEncoding),
        (Encoding.UTF8.GetBytes(Fields.KeyId), Property.KeyId),
        (Encoding.UTF8.GetBytes(Fields.TraceParent), Property.TraceParent),
        (Encoding.UTF8.GetBytes(Fields.TraceState), Property.TraceState),
        (Encoding.UTF8.GetBytes(Fields.PartitionKey), Property.PartitionKey),
        (Encoding.UTF8.GetBytes(Fields.Attempt), Property.Attempt),
        (Encoding.UTF8.GetBytes(Fields.DataBase64), Property.DataBase64),
        (Encoding.UTF8.GetBytes(Fields.Data), Property.Data),
        (Encoding.UTF8.GetBytes(Fields.Headers), Property.Headers),
    ];

    private enum Property
    {
        Other,
        SpecVersion,
        Id,
        Type,
        Source,
        Time,
        DataContentType,
        ContentEncoding,
        KeyId,
        TraceParent,
        TraceState,
        PartitionKey,
        Attempt,
        DataBase64,
        Data,
        Headers,
    }

    /// <summary>The envelope as <c>XADD</c> field/value arguments.</summary>
    public static List<RedisArg> ToStreamFields(MessageEnvelope envelope) => [.. ToStreamArguments(envelope, 0)];

    /// <summary>
    /// The envelope's <c>XADD</c> field/value arguments in an array of exactly the size needed, after
    /// <paramref name="head"/> slots left for the caller (key, id): publishing builds one per message.
    /// </summary>
    internal static RedisArg[] ToStreamArguments(MessageEnvelope envelope, int head)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var count = 8 + (2 * envelope.Headers.Count)
            + Pair(envelope.Source) + Pair(envelope.DataContentType) + Pair(envelope.ContentEncoding)
            + Pair(envelope.KeyId) + Pair(envelope.TraceParent) + Pair(envelope.TraceState) + Pair(envelope.PartitionKey)
            + (envelope.Attempt != 1 ? 2 : 0);
        var fields = new RedisArg[head + count];
        var at = head;
        fields[at++] = Fields.Id;
        fields[at++] = envelope.Id;
        fields[at++] = Fields.Type;
        fields[at++] = envelope.Type;
        fields[at++] = Fields.Time;
        fields[at++] = envelope.Time.ToString("O", CultureInfo.InvariantCulture);
        Add(fields, ref at, Fields.Source, envelope.Source);
        Add(fields, ref at, Fields.DataContentType, envelope.DataContentType);
        Add(fields, ref at, Fields.ContentEncoding, envelope.ContentEncoding);
        Add(fields, ref at, Fields.KeyId, envelope.KeyId);
        Add(fields, ref at, Fields.TraceParent, envelope.TraceParent);
        Add(fields, ref at, Fields.TraceState, envelope.TraceState);
        Add(fields, ref at, Fields.PartitionKey, envelope.PartitionKey);
        if (envelope.Attempt != 1)
        {
            fields[at++] = Fields.Attempt;
            fields[at++] = envelope.Attempt;
        }

        foreach (var (name, value) in envelope.Headers)
        {
            fields[at++] = Fields.HeaderPrefix + name;
            fields[at++] = value;
        }

        fields[at++] = Fields.Data;
        fields[at] = envelope.Data;
        return fields;

        static int Pair(string? value) => value is null ? 0 : 2;

        static void Add(RedisArg[] fields, ref int at, string name, string? value)
        {
            if (value is not null)
            {
                fields[at++] = name;
                fields[at++] = value;
            }
        }
    }

    /// <summary>
    /// Reads a stream entry. Without an <c>id</c> field the entry id is the message id; without a
    /// <c>data</c> field the entry's fields become a JSON object body.
    /// </summary>
    public static MessageEnvelope FromStreamFields(string entryId, IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string? id = null, type = null, source = null, contentType = null, encoding = null, keyId = null, trace = null, traceState = null, partitionKey = null;
        DateTimeOffset time = default;
        var attempt = 1;
        ReadOnlyMemory<byte>? data = null;
        Dictionary<string, string>? headers = null;
        foreach (var (name, value) in fields)
        {
            switch (name)
            {
                case Fields.Id: id = Text(value); break;
                case Fields.Type: type = s_attributes.Get(value.Span); break;
                case Fields.Source: source = s_attributes.Get(value.Span); break;
                case Fields.Time: time = ParseTime(value.Span); break;
                case Fields.DataContentType: contentType = s_attributes.Get(value.Span); break;
                case Fields.ContentEncoding: encoding = s_attributes.Get(value.Span); break;
                case Fields.KeyId: keyId = s_attributes.Get(value.Span); break;
                case Fields.TraceParent: trace = Text(value); break;
                case Fields.TraceState: traceState = Text(value); break;
                case Fields.PartitionKey: partitionKey = Text(value); break;
                case Fields.Attempt: attempt = int.TryParse(value.Span, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a > 0 ? a : 1; break;
                case Fields.Data: data = value; break;
                default:
                    if (name.StartsWith(Fields.HeaderPrefix, StringComparison.Ordinal))
                    {
                        (headers ??= new(StringComparer.Ordinal))[name[Fields.HeaderPrefix.Length..]] = Text(value);
                    }

                    break;
            }
        }

        if (data is null)
        {
            // A foreign entry: its fields are the message.
            data = FieldsAsJson(fields);
            contentType ??= "application/json";
        }

        return new MessageEnvelope
        {
            Id = id ?? entryId,
            Type = type ?? string.Empty,
            Source = source,
            Time = time == default ? StreamIdTime(entryId) : time,
            DataContentType = contentType,
            ContentEncoding = encoding,
            KeyId = keyId,
            TraceParent = trace,
            TraceState = traceState,
            PartitionKey = partitionKey,
            Attempt = attempt,
            Headers = headers ?? MessageEnvelope.NoHeaders,
            Data = data.Value,
        };
    }

    /// <summary>The envelope as CloudEvents structured JSON (JSON bodies embedded, others base64).</summary>
    public static byte[] ToFramed(MessageEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);

        // The writer asks its buffer for 4 KB at a time: a fresh buffer per message would be mostly waste.
        // One buffer and writer per thread are reused; the frame is copied out at its exact size.
        var buffer = t_frameBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = t_frameWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        json.Reset(buffer);
        {
            json.WriteStartObject();
            json.WriteString(Fields.SpecVersion, "1.0");
            json.WriteString(Fields.Id, envelope.Id);
            json.WriteString(Fields.Type, envelope.Type);
            json.WriteString(Fields.Source, envelope.Source ?? "herald");
            json.WriteString(Fields.Time, envelope.Time);
            WriteOptional(json, Fields.DataContentType, envelope.DataContentType);
            WriteOptional(json, Fields.ContentEncoding, envelope.ContentEncoding);
            WriteOptional(json, Fields.KeyId, envelope.KeyId);
            WriteOptional(json, Fields.TraceParent, envelope.TraceParent);
            WriteOptional(json, Fields.TraceState, envelope.TraceState);
            WriteOptional(json, Fields.PartitionKey, envelope.PartitionKey);
            if (envelope.Attempt != 1)
            {
                json.WriteNumber(Fields.Attempt, envelope.Attempt);
            }

            if (envelope.Headers.Count > 0)
            {
                json.WriteStartObject(Fields.Headers);
                foreach (var (name, value) in envelope.Headers)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            if (envelope.ContentEncoding is null && IsJson(envelope.DataContentType) && IsValidJson(envelope.Data.Span))
            {
                json.WritePropertyName(Fields.Data);
                json.WriteRawValue(envelope.Data.Span, skipInputValidation: true);
            }
            else
            {
                json.WriteBase64String(Fields.DataBase64, envelope.Data.Span);
            }

            json.WriteEndObject();
            json.Flush();
        }

        var frame = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > MaxKeptFrameBuffer)
        {
            // One huge message must not pin a huge buffer to the thread.
            t_frameBuffer = null;
            t_frameWriter = null;
        }

        return frame;
    }

    /// <summary>
    /// Reads a framed value. A CloudEvents JSON object (one with <c>specversion</c>) gives its attributes;
    /// anything else is a foreign message whose body is the whole value, with a fresh id.
    /// </summary>
    public static MessageEnvelope FromFramed(ReadOnlyMemory<byte> frame, Func<string> newId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(newId);
        if (TryReadCloudEvent(frame, out var envelope))
        {
            return envelope;
        }

        return new MessageEnvelope
        {
            Id = newId(),
            Time = now,
            DataContentType = LooksLikeJson(frame.Span) ? "application/json" : "application/octet-stream",
            Data = frame,
        };
    }

    private static bool TryReadCloudEvent(ReadOnlyMemory<byte> frame, out MessageEnvelope envelope)
    {
        envelope = null!;
        var span = frame.Span;
        if (span.IsEmpty || span[0] != (byte)'{')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? spec = null, id = null, type = null, source = null, contentType = null, encoding = null, keyId = null, trace = null, traceState = null, partitionKey = null;
            DateTimeOffset time = default;
            var attempt = 1;
            ReadOnlyMemory<byte> data = default;
            Dictionary<string, string>? headers = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = PropertyOf(ref reader);
                if (!reader.Read())
                {
                    return false;
                }

                switch (name)
                {
                    case Property.SpecVersion: spec = AttributeText(ref reader); break;
                    case Property.Id: id = reader.GetString(); break;
                    case Property.Type: type = AttributeText(ref reader); break;
                    case Property.Source: source = AttributeText(ref reader); break;
                    case Property.Time: time = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t) ? t : default; break;
                    case Property.DataContentType: contentType = AttributeText(ref reader); break;
                    case Property.ContentEncoding: encoding = AttributeText(ref reader); break;
                    case Property.KeyId: keyId = AttributeText(ref reader); break;
                    case Property.TraceParent: trace = reader.GetString(); break;
                    case Property.TraceState: traceState = reader.GetString(); break;
                    case Property.PartitionKey: partitionKey = reader.GetString(); break;
                    case Property.Attempt: attempt = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var a) && a > 0 ? a : 1; break;
                    case Property.DataBase64: data = reader.GetBytesFromBase64(); break;
                    case Property.Data:
                        {
                            var start = (int)reader.TokenStartIndex;
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                // A string body is the string's text, as CloudEvents defines for non-JSON content types.
                                data = IsJson(contentType) ? frame[start..(int)reader.BytesConsumed] : Encoding.UTF8.GetBytes(reader.GetString()!);
                            }
                            else
                            {
                                reader.Skip();
                                data = frame[start..(int)reader.BytesConsumed];
                            }

                            break;
                        }

                    case Property.Headers:
                        headers = ReadHeaders(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (spec is null || id is null)
            {
                return false;
            }

            envelope = new MessageEnvelope
            {
                Id = id,
                Type = type ?? string.Empty,
                Source = source,
                Time = time,
                DataContentType = contentType ?? "application/json",
                ContentEncoding = encoding,
                KeyId = keyId,
                TraceParent = trace,
                TraceState = traceState,
                PartitionKey = partitionKey,
                Attempt = attempt,
                Headers = headers ?? MessageEnvelope.NoHeaders,
                Data = data,
            };
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    // The attribute a property name stands for, compared as UTF-8: no string per property per message.
    private static Property PropertyOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            // The usual case, a plain name: its bytes are the name, compared without the reader's unescaping.
            var name = reader.ValueSpan;
            foreach (var (utf8, property) in s_properties)
            {
                if (utf8.Length == name.Length && name.SequenceEqual(utf8))
                {
                    return property;
                }
            }

            return Property.Other;
        }

        foreach (var (utf8, property) in s_properties)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return property;
            }
        }

        return Property.Other;
    }

    // A repeating attribute (type, source, content type…), decoded once; escaped text goes the long way.
    private static string? AttributeText(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            ? s_attributes.Get(reader.ValueSpan)
            : reader.GetString();

    private static Dictionary<string, string> ReadHeaders(ref Utf8JsonReader reader)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return headers;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                headers[name] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        return headers;
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    internal static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsValidJson(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            reader.Skip();
            return reader.BytesConsumed == data.Length || data[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> data)
    {
        var trimmed = data.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] is (byte)'{' or (byte)'[' && IsValidJson(data);
    }

    private static byte[] FieldsAsJson(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                json.WriteString(name, Text(value));
            }

            json.WriteEndObject();
            json.Flush();
        }

        // A buffer of this call's own: nothing thread-bound to release, unlike the framing writer's.
        return buffer.WrittenSpan.ToArray();
    }

    private static string Text(ReadOnlyMemory<byte> value) => Encoding.UTF8.GetString(value.Span);

    // Herald writes the round-trip form ("O"), which Utf8Parser reads without a string; other producers may
    // write any RFC 3339 variant, which the general parser accepts.
    private static DateTimeOffset ParseTime(ReadOnlySpan<byte> utf8) =>
        Utf8Parser.TryParse(utf8, out DateTimeOffset time, out var used, 'O') && used == utf8.Length ? time
        : DateTimeOffset.TryParse(Encoding.UTF8.GetString(utf8), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time) ? time : default;

    // A stream id starts with the milliseconds at which Redis stored the entry.
    private static DateTimeOffset StreamIdTime(string entryId)
    {
        var dash = entryId.IndexOf('-', StringComparison.Ordinal);
        return long.TryParse(dash < 0 ? entryId : entryId[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : default;
    }
}
