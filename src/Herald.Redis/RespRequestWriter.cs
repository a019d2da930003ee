using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Herald.Redis;

/// <summary>Serialises commands as RESP arrays of bulk strings, straight into the output buffer.</summary>
internal static class RespRequestWriter
{
    private const int MaxHeaderLength = 1 + 20 + 2;

    public static void WriteArrayHeader(IBufferWriter<byte> output, int count) => WriteHeader(output, (byte)'*', count);

    public static void WriteBulkString(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        var span = output.GetSpan(MaxHeaderLength + value.Length + 2);
        var written = Header(span, (byte)'$', value.Length);
        value.CopyTo(span[written..]);
        written += value.Length;
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        output.Advance(written);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, string value)
    {
        // ASCII is the common case (command names, keys); it needs no count pass.
        if (value.Length <= 256 && Ascii.IsValid(value))
        {
            var span = output.GetSpan(MaxHeaderLength + value.Length + 2);
            var written = Header(span, (byte)'$', value.Length);
            Ascii.FromUtf16(value, span[written..], out var copied);
            written += copied;
            span[written++] = (byte)'\r';
            span[written++] = (byte)'\n';
            output.Advance(written);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var target = output.GetSpan(MaxHeaderLength + length + 2);
        var count = Header(target, (byte)'$', length);
        count += Encoding.UTF8.GetBytes(value, target[count..]);
        target[count++] = (byte)'\r';
        target[count++] = (byte)'\n';
        output.Advance(count);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        WriteBulkString(output, digits[..length]);
    }

    public static void WriteBulkString(IBufferWriter<byte> output, double value) =>
        WriteBulkString(output, RedisArg.FormatDouble(value));

    internal static void WriteHeader(IBufferWriter<byte> output, byte marker, long value)
    {
        var span = output.GetSpan(MaxHeaderLength);
        output.Advance(Header(span, marker, value));
    }

    private static int Header(Span<byte> span, byte marker, long value)
    {
        span[0] = marker;
        Utf8Formatter.TryFormat(value, span[1..], out var digits);
        span[digits + 1] = (byte)'\r';
        span[digits + 2] = (byte)'\n';
        return digits + 3;
    }
}
