using System.Globalization;
using System.Numerics;
using System.Text;

namespace Herald.Redis.Protocol;

/// <summary>
/// One immutable RESP2/RESP3 value as the server sent it. Scalars keep their bytes; aggregates keep their
/// items (a map's items alternate key and value). Typed helpers convert on demand and accept both protocol
/// versions' shapes, so callers need not care whether the connection negotiated RESP2 or RESP3.
/// </summary>
public sealed class RespValue
{
    private const double TwoToThe63 = 9223372036854775808.0;

    private static readonly RespValue[] s_noItems = [];
    private static readonly RespValue[] s_smallIntegers = CreateSmallIntegers();

    // A reply holds one of these per bulk string it carries, so the instance is kept small: one payload
    // field (a scalar's bytes or an aggregate's items), one number (a double as its bits), and the rarely
    // used attributes and verbatim format together in a side object.
    private readonly object? _payload;
    private readonly long _integer;
    private readonly Annotations? _annotations;

    private RespValue(RespType type, byte[]? bytes, RespValue[]? items, long integer, double number, RespValue? attributes, string? verbatimFormat = null)
    {
        Type = type;
        _payload = (object?)bytes ?? items;
        _integer = type == RespType.Double ? BitConverter.DoubleToInt64Bits(number) : integer;
        _annotations = attributes is null && verbatimFormat is null ? null : new Annotations(attributes, verbatimFormat);
    }

    /// <summary>The shared <c>+OK</c> reply.</summary>
    public static RespValue Ok { get; } = new(RespType.SimpleString, "OK"u8.ToArray(), null, 0, 0, null);

    /// <summary>The shared null.</summary>
    public static RespValue Null { get; } = new(RespType.Null, null, null, 0, 0, null);

    /// <summary>The shared empty array.</summary>
    public static RespValue EmptyArray { get; } = new(RespType.Array, null, s_noItems, 0, 0, null);

    /// <summary>The shared RESP3 <c>#t</c>.</summary>
    public static RespValue True { get; } = new(RespType.Boolean, null, null, 1, 0, null);

    /// <summary>The shared RESP3 <c>#f</c>.</summary>
    public static RespValue False { get; } = new(RespType.Boolean, null, null, 0, 0, null);

    /// <summary>The kind of value.</summary>
    public RespType Type { get; }

    /// <summary>The RESP3 attributes that preceded this value, or <see langword="null"/>.</summary>
    public RespValue? Attributes => _annotations?.Attributes;

    /// <summary>True for RESP3 null and RESP2 null bulk strings and arrays.</summary>
    public bool IsNull => Type == RespType.Null;

    /// <summary>True for simple and bulk errors.</summary>
    public bool IsError => Type is RespType.SimpleError or RespType.BulkError;

    /// <summary>True for arrays, maps, sets, attributes and pushes.</summary>
    public bool IsAggregate => ItemsOrNull is not null;

    /// <summary>The items of an aggregate (a map's alternate key, value); empty for scalars and null.</summary>
    public IReadOnlyList<RespValue> Items => ItemsOrNull ?? s_noItems;

    /// <summary>Number of items of an aggregate (for a map, twice the pair count).</summary>
    public int Count => ItemsOrNull?.Length ?? 0;

    /// <summary>The item at <paramref name="index"/> of an aggregate.</summary>
    public RespValue this[int index] => (ItemsOrNull ?? s_noItems)[index];

    /// <summary>The payload bytes of a string, error, verbatim string or big number (empty otherwise).</summary>
    public ReadOnlyMemory<byte> Bytes => BytesOrNull ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>The three-letter format of a verbatim string (<c>txt</c>, <c>mkd</c>), else <see langword="null"/>.</summary>
    public string? VerbatimFormat => _annotations?.VerbatimFormat;

    /// <summary>Creates a simple string.</summary>
    public static RespValue SimpleString(string value) => new(RespType.SimpleString, Encoding.UTF8.GetBytes(value), null, 0, 0, null);

    /// <summary>Creates a simple error.</summary>
    public static RespValue SimpleError(string message) => new(RespType.SimpleError, Encoding.UTF8.GetBytes(message), null, 0, 0, null);

    /// <summary>Creates a bulk string over <paramref name="value"/> (not copied).</summary>
    public static RespValue BulkString(byte[] value) => new(RespType.BulkString, value, null, 0, 0, null);

    /// <summary>Creates a bulk string from UTF-8 text.</summary>
    public static RespValue BulkString(string value) => BulkString(Encoding.UTF8.GetBytes(value));

    /// <summary>Creates an integer; small values are shared instances.</summary>
    public static RespValue Integer(long value) =>
        value is >= -1 and < 1023 ? s_smallIntegers[value + 1] : new(RespType.Integer, null, null, value, 0, null);

    /// <summary>Creates a RESP3 double.</summary>
    public static RespValue Double(double value) => new(RespType.Double, null, null, 0, value, null);

    /// <summary>Creates a RESP3 boolean.</summary>
    public static RespValue Boolean(bool value) => value ? True : False;

    /// <summary>Creates a RESP3 big number from its decimal text.</summary>
    public static RespValue BigNumber(byte[] digits) => new(RespType.BigNumber, digits, null, 0, 0, null);

    /// <summary>Creates a RESP3 bulk error.</summary>
    public static RespValue BulkError(byte[] message) => new(RespType.BulkError, message, null, 0, 0, null);

    /// <summary>Creates a RESP3 verbatim string.</summary>
    public static RespValue Verbatim(string format, byte[] text)
    {
        if (format.Length != 3)
        {
            throw new ArgumentException("A verbatim format has exactly three characters.", nameof(format));
        }

        return new(RespType.VerbatimString, text, null, 0, 0, null, format);
    }

    /// <summary>Creates an aggregate of <paramref name="type"/> over <paramref name="items"/> (not copied).</summary>
    public static RespValue Aggregate(RespType type, RespValue[] items, RespValue? attributes = null)
    {
        if (type is not (RespType.Array or RespType.Map or RespType.Set or RespType.Attribute or RespType.Push))
        {
            throw new ArgumentException($"{type} is not an aggregate type.", nameof(type));
        }

        if (type is RespType.Map or RespType.Attribute && items.Length % 2 != 0)
        {
            throw new ArgumentException("A map needs an even number of items.", nameof(items));
        }

        return new(type, null, items.Length == 0 && attributes is null && type == RespType.Array ? s_noItems : items, 0, 0, attributes);
    }

    /// <summary>Creates an array.</summary>
    public static RespValue Array(params RespValue[] items) => Aggregate(RespType.Array, items);

    /// <summary>A copy of this value carrying <paramref name="attributes"/>.</summary>
    public RespValue WithAttributes(RespValue? attributes)
    {
        if (attributes is not null && attributes.Type != RespType.Attribute)
        {
            throw new ArgumentException("Attributes must be an attribute map.", nameof(attributes));
        }

        return new(Type, BytesOrNull, ItemsOrNull, _integer, DoubleValue, attributes, VerbatimFormat);
    }

    /// <summary>
    /// The value as text: strings and errors decoded as UTF-8, numbers and booleans formatted invariantly;
    /// <see langword="null"/> for null. Throws <see cref="InvalidCastException"/> for aggregates.
    /// </summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.SimpleString or RespType.BulkString or RespType.SimpleError or RespType.BulkError
            or RespType.VerbatimString or RespType.BigNumber => Encoding.UTF8.GetString(BytesOrNull!),
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Double => FormatDouble(DoubleValue),
        RespType.Boolean => _integer != 0 ? "true" : "false",
        _ => throw Cannot("a string"),
    };

    /// <summary>The value as an integer; bulk and simple strings holding an integer are parsed.</summary>
    public long AsInt64()
    {
        switch (Type)
        {
            case RespType.Integer:
                return _integer;
            case RespType.Boolean:
                return _integer;
            case RespType.SimpleString or RespType.BulkString or RespType.BigNumber or RespType.VerbatimString
                when long.TryParse(BytesOrNull, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            // (double)long.MaxValue rounds up to 2^63, which is out of range: the upper bound must be exclusive.
            case RespType.Double when DoubleValue == Math.Floor(DoubleValue) && DoubleValue is >= -TwoToThe63 and < TwoToThe63:
                return (long)DoubleValue;
            default:
                throw Cannot("an integer");
        }
    }

    /// <summary>The value as an integer, or <see langword="null"/> for null.</summary>
    public long? AsNullableInt64() => IsNull ? null : AsInt64();

    /// <summary>The value as a double; strings holding a number (including <c>inf</c>) are parsed.</summary>
    public double AsDouble()
    {
        switch (Type)
        {
            case RespType.Double:
                return DoubleValue;
            case RespType.Integer:
                return _integer;
            case RespType.SimpleString or RespType.BulkString or RespType.BigNumber or RespType.VerbatimString:
                if (TryParseDouble(BytesOrNull!, out var parsed))
                {
                    return parsed;
                }

                break;
        }

        throw Cannot("a double");
    }

    /// <summary>The value as a double, or <see langword="null"/> for null.</summary>
    public double? AsNullableDouble() => IsNull ? null : AsDouble();

    /// <summary>The value as a boolean: RESP3 booleans, integers 0/1 and the string <c>OK</c> (true).</summary>
    public bool AsBoolean() => Type switch
    {
        RespType.Boolean or RespType.Integer => _integer != 0,
        RespType.SimpleString => BytesOrNull!.AsSpan().SequenceEqual("OK"u8),
        RespType.Null => false,
        _ => throw Cannot("a boolean"),
    };

    /// <summary>The value of a big number (or integer) as a <see cref="BigInteger"/>.</summary>
    public BigInteger AsBigInteger() => Type switch
    {
        RespType.Integer => _integer,
        RespType.BigNumber or RespType.BulkString or RespType.SimpleString
            when BigInteger.TryParse(Encoding.ASCII.GetString(BytesOrNull!), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            => parsed,
        _ => throw Cannot("a big number"),
    };

    /// <summary>The payload as a byte array (a copy), or <see langword="null"/> for null.</summary>
    public byte[]? AsBytes() => IsNull ? null : Type switch
    {
        RespType.SimpleString or RespType.BulkString or RespType.SimpleError or RespType.BulkError
            or RespType.VerbatimString or RespType.BigNumber => (byte[])BytesOrNull!.Clone(),
        RespType.Integer or RespType.Double or RespType.Boolean => Encoding.ASCII.GetBytes(AsString()!),
        _ => throw Cannot("bytes"),
    };

    /// <summary>
    /// The items taken as key/value pairs: a RESP3 map or attribute, or a RESP2 flat array of even length.
    /// </summary>
    public IEnumerable<KeyValuePair<RespValue, RespValue>> AsPairs()
    {
        if (ItemsOrNull is null || ItemsOrNull.Length % 2 != 0)
        {
            throw Cannot("key/value pairs");
        }

        return Pairs(ItemsOrNull);

        static IEnumerable<KeyValuePair<RespValue, RespValue>> Pairs(RespValue[] items)
        {
            for (var i = 0; i < items.Length; i += 2)
            {
                yield return new(items[i], items[i + 1]);
            }
        }
    }

    /// <summary>The pairs of <see cref="AsPairs"/> as a dictionary keyed by text (last value wins).</summary>
    public Dictionary<string, RespValue> AsDictionary()
    {
        var result = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        foreach (var (key, value) in AsPairs())
        {
            result[key.AsString() ?? string.Empty] = value;
        }

        return result;
    }

    /// <summary>True when this is a string whose bytes equal <paramref name="text"/> (ASCII, case-sensitive).</summary>
    public bool Is(ReadOnlySpan<byte> text) => BytesOrNull is not null && BytesOrNull.AsSpan().SequenceEqual(text);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        RespType.Null => "(nil)",
        RespType.SimpleError or RespType.BulkError => "(error) " + AsString(),
        RespType.Integer => "(integer) " + AsString(),
        RespType.Double => "(double) " + AsString(),
        RespType.Boolean => "(boolean) " + AsString(),
        RespType.BigNumber => "(big number) " + AsString(),
        RespType.SimpleString => AsString()!,
        RespType.BulkString or RespType.VerbatimString => "\"" + AsString() + "\"",
        _ => $"({Type.ToString().ToLowerInvariant()}) [{string.Join(", ", Items)}]",
    };

    internal static RespValue FromBytes(RespType type, byte[] bytes) => new(type, bytes, null, 0, 0, null);

    internal long RawInteger => _integer;

    internal byte[]? RawBytes => BytesOrNull;

    private byte[]? BytesOrNull => _payload as byte[];

    private RespValue[]? ItemsOrNull => _payload as RespValue[];

    private double DoubleValue => BitConverter.Int64BitsToDouble(_integer);

    internal static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        if (text.SequenceEqual("inf"u8) || text.SequenceEqual("+inf"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (text.SequenceEqual("-inf"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }

        if (text.SequenceEqual("nan"u8) || text.SequenceEqual("-nan"u8))
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && text.Length > 0;
    }

    internal static string FormatDouble(double value) =>
        double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : double.IsNaN(value) ? "nan"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private InvalidCastException Cannot(string what) => new($"A RESP {Type} cannot be read as {what}.");

    private static RespValue[] CreateSmallIntegers()
    {
        var values = new RespValue[1024];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new(RespType.Integer, null, null, i - 1, 0, null);
        }

        return values;
    }

    private sealed record Annotations(RespValue? Attributes, string? VerbatimFormat);
}
