using System.Text;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

/// <summary>Structural comparison of RESP values: type, payload, numbers, items and attributes, at any depth.</summary>
internal static class RespAssert
{
    public static void Equal(RespValue expected, RespValue actual, string because = "")
    {
        var difference = FindDifference(expected, actual, "$");
        if (difference is not null)
        {
            throw new Xunit.Sdk.XunitException(
                $"RESP values differ at {difference} {because}\nexpected: {Describe(expected)}\nactual:   {Describe(actual)}");
        }
    }

    public static void Equal(IReadOnlyList<RespValue> expected, IReadOnlyList<RespValue> actual, string because = "")
    {
        actual.Should().HaveCount(expected.Count, because);
        for (var i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], actual[i], $"(value #{i}) {because}");
        }
    }

    public static string Describe(RespValue value) =>
        (value.Attributes is null ? string.Empty : $"|{Describe(value.Attributes)}| ") + value.Type switch
        {
            RespType.VerbatimString => $"={value.VerbatimFormat}:{value}",
            _ when value.IsAggregate => $"({value.Type}) [{string.Join(", ", value.Items.Select(Describe))}]",
            _ => value.ToString(),
        };

    private static string? FindDifference(RespValue expected, RespValue actual, string path)
    {
        if (expected.Type != actual.Type)
        {
            return $"{path} (type {expected.Type} vs {actual.Type})";
        }

        if ((expected.Attributes is null) != (actual.Attributes is null))
        {
            return $"{path} (attributes present on one side only)";
        }

        if (expected.Attributes is not null && FindDifference(expected.Attributes, actual.Attributes!, path + ".attributes") is { } inAttributes)
        {
            return inAttributes;
        }

        var sameScalar = expected.Type switch
        {
            RespType.Integer or RespType.Boolean => expected.AsInt64() == actual.AsInt64(),
            RespType.Double => expected.AsDouble().Equals(actual.AsDouble()),
            RespType.Null => true,
            _ => expected.Bytes.Span.SequenceEqual(actual.Bytes.Span) && expected.VerbatimFormat == actual.VerbatimFormat,
        };
        if (!sameScalar)
        {
            return $"{path} (payload)";
        }

        if (expected.Count != actual.Count)
        {
            return $"{path} (count {expected.Count} vs {actual.Count})";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (FindDifference(expected[i], actual[i], $"{path}[{i}]") is { } inItem)
            {
                return inItem;
            }
        }

        return null;
    }
}

/// <summary>Byte helpers: frames are written as Latin-1 text so that any byte 0..255 can appear in a literal.</summary>
internal static class RespBytes
{
    public static byte[] Of(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string Show(ReadOnlySpan<byte> bytes) =>
        Encoding.Latin1.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
