using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Herald.Redis;

/// <summary>
/// One argument of a Redis command: text (sent as UTF-8), bytes, an integer or a double. A struct with
/// implicit conversions, so commands are built without boxing or intermediate strings.
/// </summary>
public readonly struct RedisArg : IEquatable<RedisArg>
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly double _double;
    private readonly Kind _kind;

    private RedisArg(Kind kind, string? text, ReadOnlyMemory<byte> bytes, long integer, double number)
    {
        _kind = kind;
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _double = number;
    }

    private enum Kind : byte
    {
        Text,
        Bytes,
        Integer,
        Double,
    }

    /// <summary>True when the argument is bytes rather than text or a number.</summary>
    public bool IsBytes => _kind == Kind.Bytes;

    /// <summary>Text sent as UTF-8. A null string is sent as the empty string.</summary>
    public static implicit operator RedisArg(string? value) => new(Kind.Text, value ?? string.Empty, default, 0, 0);

    /// <summary>Bytes sent as they are.</summary>
    public static implicit operator RedisArg(byte[] value) => new(Kind.Bytes, null, value, 0, 0);

    /// <summary>Bytes sent as they are.</summary>
    public static implicit operator RedisArg(ReadOnlyMemory<byte> value) => new(Kind.Bytes, null, value, 0, 0);

    /// <summary>An integer sent in decimal.</summary>
    public static implicit operator RedisArg(long value) => new(Kind.Integer, null, default, value, 0);

    /// <summary>An integer sent in decimal.</summary>
    public static implicit operator RedisArg(int value) => new(Kind.Integer, null, default, value, 0);

    /// <summary>A double sent in round-trip form; infinities as <c>+inf</c>/<c>-inf</c>.</summary>
    public static implicit operator RedisArg(double value) => new(Kind.Double, null, default, 0, value);

    /// <summary>Equality by kind and content.</summary>
    public static bool operator ==(RedisArg left, RedisArg right) => left.Equals(right);

    /// <summary>Inequality by kind and content.</summary>
    public static bool operator !=(RedisArg left, RedisArg right) => !left.Equals(right);

    /// <summary>Creates a text argument.</summary>
    public static RedisArg FromString(string value) => value;

    /// <summary>Creates a bytes argument.</summary>
    public static RedisArg FromBytes(ReadOnlyMemory<byte> value) => value;

    /// <summary>Creates an integer argument.</summary>
    public static RedisArg FromInt64(long value) => value;

    /// <summary>Creates a double argument.</summary>
    public static RedisArg FromDouble(double value) => value;

    /// <summary>The bytes this argument puts on the wire.</summary>
    public byte[] ToBytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        WriteContent(writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        Kind.Text => _text!,
        Kind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        Kind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        _ => FormatDouble(_double),
    };

    /// <inheritdoc />
    public bool Equals(RedisArg other) => _kind == other._kind && _kind switch
    {
        Kind.Text => string.Equals(_text, other._text, StringComparison.Ordinal),
        Kind.Bytes => _bytes.Span.SequenceEqual(other._bytes.Span),
        Kind.Integer => _integer == other._integer,
        _ => _double.Equals(other._double),
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RedisArg other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Writes the argument as one RESP bulk string.</summary>
    internal void WriteTo(IBufferWriter<byte> output)
    {
        switch (_kind)
        {
            case Kind.Text:
                RespRequestWriter.WriteBulkString(output, _text!);
                break;
            case Kind.Bytes:
                RespRequestWriter.WriteBulkString(output, _bytes.Span);
                break;
            case Kind.Integer:
                RespRequestWriter.WriteBulkString(output, _integer);
                break;
            default:
                RespRequestWriter.WriteBulkString(output, _double);
                break;
        }
    }

    /// <summary>The hash-slot relevant bytes (UTF-8 for text), for cluster routing.</summary>
    internal void WriteContent(IBufferWriter<byte> output)
    {
        switch (_kind)
        {
            case Kind.Text:
                {
                    var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(_text!.Length));
                    output.Advance(Encoding.UTF8.GetBytes(_text, span));
                    break;
                }

            case Kind.Bytes:
                output.Write(_bytes.Span);
                break;
            default:
                {
                    var text = ToString();
                    output.Write(Encoding.ASCII.GetBytes(text));
                    break;
                }
        }
    }

    internal static string FormatDouble(double value) =>
        double.IsPositiveInfinity(value) ? "+inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    internal static bool TryFormatInteger(long value, Span<byte> destination, out int written) =>
        Utf8Formatter.TryFormat(value, destination, out written);
}
