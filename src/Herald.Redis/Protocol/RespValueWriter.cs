using System.Buffers;
using System.Text;

namespace Herald.Redis.Protocol;

/// <summary>
/// Encodes a <see cref="RespValue"/> as RESP3 or RESP2, the way a Redis server would send it. Test servers
/// and golden tests use it to produce replies; the client itself writes commands with its request writer.
/// </summary>
/// <remarks>
/// Values are written with fixed lengths and counts (never the streamed <c>$?</c>, <c>*?</c> forms), and
/// nesting is walked with an explicit stack, so a deeply nested value cannot overflow the call stack.
/// Values are checked as they are written: after an <see cref="ArgumentException"/> the output may hold
/// the start of a frame, so it should be discarded.
/// </remarks>
public static class RespValueWriter
{
    /// <summary>
    /// Writes <paramref name="value"/> as RESP3. Attributes (<see cref="RespValue.Attributes"/>) are written as
    /// a <c>|</c> frame right before the value they annotate, at any depth.
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="value">The value to encode.</param>
    /// <exception cref="ArgumentException">A simple string or simple error contains CR or LF, which no line can carry.</exception>
    public static void Write(IBufferWriter<byte> output, RespValue value) => WriteTree(output, value, resp3: true);

    /// <summary>
    /// Writes <paramref name="value"/> in its RESP2 form, as Redis answers a RESP2 client: null is <c>$-1</c>,
    /// maps become flat arrays of alternating keys and values, sets and pushes become arrays, booleans become
    /// the integers 1 and 0, doubles and big numbers become bulk strings of their text, a verbatim string
    /// becomes a bulk string without its format prefix, and a bulk error becomes a simple error with CR and LF
    /// replaced by spaces. Attributes have no RESP2 form and are dropped, as Redis drops them.
    /// </summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="value">The value to encode.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="value"/> is itself an attribute map (or holds one as an item): with nothing to annotate
    /// it has no RESP2 form; or a simple string or simple error contains CR or LF.
    /// </exception>
    public static void WriteResp2(IBufferWriter<byte> output, RespValue value) => WriteTree(output, value, resp3: false);

    private static void WriteTree(IBufferWriter<byte> output, RespValue root, bool resp3)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(root);

        // Each entry is a value still to write; Annotated marks one whose attributes are already out.
        var pending = new Stack<(RespValue Value, bool Annotated)>();
        pending.Push((root, false));
        while (pending.TryPop(out var next))
        {
            var (value, annotated) = next;
            if (resp3 && !annotated && value.Attributes is { } attributes)
            {
                pending.Push((value, true));
                pending.Push((attributes, false));
                continue;
            }

            if (!value.IsAggregate)
            {
                WriteScalar(output, value, resp3);
                continue;
            }

            WriteAggregateHeader(output, value, resp3);
            for (var i = value.Count - 1; i >= 0; i--)
            {
                pending.Push((value[i], false));
            }
        }
    }

    private static void WriteAggregateHeader(IBufferWriter<byte> output, RespValue value, bool resp3)
    {
        var (marker, count) = value.Type switch
        {
            RespType.Map when resp3 => ((byte)'%', value.Count / 2),
            RespType.Set when resp3 => ((byte)'~', value.Count),
            RespType.Push when resp3 => ((byte)'>', value.Count),
            RespType.Attribute when resp3 => ((byte)'|', value.Count / 2),
            RespType.Attribute => throw new ArgumentException(
                "An attribute map has no RESP2 form: RESP2 drops attributes, and a bare one annotates nothing.", nameof(value)),
            _ => ((byte)'*', value.Count),
        };
        RespRequestWriter.WriteHeader(output, marker, count);
    }

    private static void WriteScalar(IBufferWriter<byte> output, RespValue value, bool resp3)
    {
        var bytes = value.RawBytes;
        switch (value.Type)
        {
            case RespType.SimpleString:
                WriteLine(output, (byte)'+', CheckLine(value));
                break;
            case RespType.SimpleError:
                WriteLine(output, (byte)'-', CheckLine(value));
                break;
            case RespType.Integer:
                RespRequestWriter.WriteHeader(output, (byte)':', value.RawInteger);
                break;
            case RespType.BulkString:
                WritePayload(output, (byte)'$', [], bytes!);
                break;
            case RespType.Null:
                output.Write(resp3 ? "_\r\n"u8 : "$-1\r\n"u8);
                break;
            case RespType.Boolean when resp3:
                output.Write(value.RawInteger != 0 ? "#t\r\n"u8 : "#f\r\n"u8);
                break;
            case RespType.Boolean:
                RespRequestWriter.WriteHeader(output, (byte)':', value.RawInteger != 0 ? 1 : 0);
                break;
            case RespType.Double:
                var text = Encoding.ASCII.GetBytes(RespValue.FormatDouble(value.AsDouble()));
                WriteLineOrBulk(output, (byte)',', text, resp3);
                break;
            case RespType.BigNumber:
                WriteLineOrBulk(output, (byte)'(', bytes!, resp3);
                break;
            case RespType.BulkError when resp3:
                WritePayload(output, (byte)'!', [], bytes!);
                break;
            case RespType.BulkError:
                WriteLine(output, (byte)'-', ReplaceLineBreaks(bytes!));
                break;
            case RespType.VerbatimString when resp3:
                var prefix = Encoding.ASCII.GetBytes(value.VerbatimFormat + ":");
                WritePayload(output, (byte)'=', prefix, bytes!);
                break;
            case RespType.VerbatimString:
                WritePayload(output, (byte)'$', [], bytes!);
                break;
            default:
                throw new ArgumentException($"A RESP {value.Type} is not a scalar.", nameof(value));
        }
    }

    // RESP3 sends doubles and big numbers as lines; RESP2 has no such types and sends their text in bulk.
    private static void WriteLineOrBulk(IBufferWriter<byte> output, byte marker, ReadOnlySpan<byte> text, bool resp3)
    {
        if (resp3)
        {
            WriteLine(output, marker, text);
        }
        else
        {
            WritePayload(output, (byte)'$', [], text);
        }
    }

    private static void WriteLine(IBufferWriter<byte> output, byte marker, ReadOnlySpan<byte> text)
    {
        var span = output.GetSpan(text.Length + 3);
        span[0] = marker;
        text.CopyTo(span[1..]);
        span[text.Length + 1] = (byte)'\r';
        span[text.Length + 2] = (byte)'\n';
        output.Advance(text.Length + 3);
    }

    // Large payloads go through Write, which copies in whatever span sizes the output offers.
    private static void WritePayload(IBufferWriter<byte> output, byte marker, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload)
    {
        RespRequestWriter.WriteHeader(output, marker, prefix.Length + payload.Length);
        output.Write(prefix);
        output.Write(payload);
        output.Write("\r\n"u8);
    }

    private static ReadOnlySpan<byte> CheckLine(RespValue value) =>
        value.RawBytes.AsSpan().IndexOfAny((byte)'\r', (byte)'\n') < 0
            ? value.RawBytes
            : throw new ArgumentException("A simple string or error cannot contain CR or LF; use a bulk string or bulk error.", nameof(value));

    private static byte[] ReplaceLineBreaks(byte[] text)
    {
        if (text.AsSpan().IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return text;
        }

        var copy = (byte[])text.Clone();
        copy.AsSpan().Replace((byte)'\r', (byte)' ');
        copy.AsSpan().Replace((byte)'\n', (byte)' ');
        return copy;
    }
}
