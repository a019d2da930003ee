using System.Numerics;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

/// <summary>
/// Conversions read the same answer from its RESP3 shape and from the shape Redis sends a RESP2 client,
/// and refuse (<see cref="InvalidCastException"/>) what has no such reading.
/// </summary>
public sealed class RespValueConversionTests
{
    [Theory]
    [InlineData("$5\r\nhello\r\n", "hello")]
    [InlineData("+hello\r\n", "hello")]
    [InlineData("=9\r\ntxt:hello\r\n", "hello")]
    [InlineData("-ERR no\r\n", "ERR no")]
    [InlineData("!6\r\nERR no\r\n", "ERR no")]
    [InlineData(":-42\r\n", "-42")]
    [InlineData(",1.5\r\n", "1.5")]
    [InlineData("$3\r\n1.5\r\n", "1.5")]
    [InlineData(",inf\r\n", "inf")]
    [InlineData(",-inf\r\n", "-inf")]
    [InlineData("(-12345678901234567890\r\n", "-12345678901234567890")]
    [InlineData("#t\r\n", "true")]
    [InlineData("$0\r\n\r\n", "")]
    [InlineData("$?\r\n;2\r\nhe\r\n;3\r\nllo\r\n;0\r\n", "hello")]
    public void AsString_TextualValue_ReturnsText(string frame, string expected) =>
        Parse(frame).AsString().Should().Be(expected);

    [Theory]
    [InlineData("_\r\n")]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    public void AsString_NullInEitherProtocol_ReturnsNull(string frame) =>
        Parse(frame).AsString().Should().BeNull();

    [Theory]
    [InlineData(":42\r\n", 42)]
    [InlineData("$2\r\n42\r\n", 42)]
    [InlineData("+42\r\n", 42)]
    [InlineData("$3\r\n-42\r\n", -42)]
    [InlineData("$3\r\n+42\r\n", 42)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData("$20\r\n-9223372036854775808\r\n", long.MinValue)]
    [InlineData("#t\r\n", 1)]
    [InlineData("#f\r\n", 0)]
    [InlineData(",10\r\n", 10)]
    [InlineData(",-1e3\r\n", -1000)]
    [InlineData("(123\r\n", 123)]
    public void AsInt64_IntegerInAnyShape_ReturnsValue(string frame, long expected) =>
        Parse(frame).AsInt64().Should().Be(expected);

    [Theory]
    [InlineData(",1.5\r\n")]
    [InlineData(",inf\r\n")]
    [InlineData(",nan\r\n")]
    [InlineData(",9223372036854775808\r\n")]
    [InlineData(",-1e19\r\n")]
    [InlineData("$3\r\nabc\r\n")]
    [InlineData("$0\r\n\r\n")]
    [InlineData("$3\r\n1.5\r\n")]
    [InlineData("(9223372036854775808\r\n")]
    [InlineData("_\r\n")]
    [InlineData("$-1\r\n")]
    [InlineData("-ERR 1\r\n")]
    [InlineData("*1\r\n:1\r\n")]
    [InlineData("%1\r\n:1\r\n:1\r\n")]
    public void AsInt64_NoIntegerReading_ThrowsInvalidCast(string frame) => AssertInvalidCast(frame, value => value.AsInt64());

    [Theory]
    [InlineData("_\r\n", null)]
    [InlineData("$-1\r\n", null)]
    [InlineData(":7\r\n", 7L)]
    public void AsNullableInt64_NullOrInteger_ReturnsValue(string frame, long? expected) =>
        Parse(frame).AsNullableInt64().Should().Be(expected);

    [Theory]
    [InlineData(",1.5\r\n", 1.5)]
    [InlineData("$3\r\n1.5\r\n", 1.5)]
    [InlineData("+1.5\r\n", 1.5)]
    [InlineData(",-0.25\r\n", -0.25)]
    [InlineData(",1e10\r\n", 1e10)]
    [InlineData(":3\r\n", 3.0)]
    [InlineData("$2\r\n10\r\n", 10.0)]
    [InlineData(",inf\r\n", double.PositiveInfinity)]
    [InlineData("$3\r\ninf\r\n", double.PositiveInfinity)]
    [InlineData("$4\r\n+inf\r\n", double.PositiveInfinity)]
    [InlineData(",-inf\r\n", double.NegativeInfinity)]
    [InlineData("$4\r\n-inf\r\n", double.NegativeInfinity)]
    [InlineData(",nan\r\n", double.NaN)]
    [InlineData("$3\r\nnan\r\n", double.NaN)]
    [InlineData("(12\r\n", 12.0)]
    public void AsDouble_NumberInAnyShape_ReturnsValue(string frame, double expected) =>
        Parse(frame).AsDouble().Should().Be(expected);

    [Theory]
    [InlineData("$3\r\nabc\r\n")]
    [InlineData("$0\r\n\r\n")]
    [InlineData("_\r\n")]
    [InlineData("#t\r\n")]
    [InlineData("-ERR 1.5\r\n")]
    [InlineData("*1\r\n,1.5\r\n")]
    public void AsDouble_NoNumberReading_ThrowsInvalidCast(string frame) => AssertInvalidCast(frame, value => value.AsDouble());

    [Theory]
    [InlineData("_\r\n", null)]
    [InlineData("$-1\r\n", null)]
    [InlineData(",2.5\r\n", 2.5)]
    [InlineData("$3\r\n2.5\r\n", 2.5)]
    public void AsNullableDouble_NullOrNumber_ReturnsValue(string frame, double? expected) =>
        Parse(frame).AsNullableDouble().Should().Be(expected);

    [Theory]
    [InlineData("#t\r\n", true)]
    [InlineData("#f\r\n", false)]
    [InlineData(":1\r\n", true)]
    [InlineData(":0\r\n", false)]
    [InlineData("+OK\r\n", true)]
    [InlineData("+QUEUED\r\n", false)]
    [InlineData("_\r\n", false)]
    [InlineData("$-1\r\n", false)]
    public void AsBoolean_BooleanInAnyShape_ReturnsValue(string frame, bool expected) =>
        Parse(frame).AsBoolean().Should().Be(expected);

    [Theory]
    [InlineData("$1\r\n1\r\n")]
    [InlineData(",1\r\n")]
    [InlineData("-ERR\r\n")]
    [InlineData("*1\r\n#t\r\n")]
    public void AsBoolean_NoBooleanReading_ThrowsInvalidCast(string frame) => AssertInvalidCast(frame, value => value.AsBoolean());

    [Theory]
    [InlineData("(3492890328409238509324850943850943825024385\r\n", "3492890328409238509324850943850943825024385")]
    [InlineData("(-3492890328409238509324850943850943825024385\r\n", "-3492890328409238509324850943850943825024385")]
    [InlineData("$21\r\n-12345678901234567890\r\n", "-12345678901234567890")]
    [InlineData(":-5\r\n", "-5")]
    public void AsBigInteger_BigNumberInAnyShape_ReturnsValue(string frame, string expected) =>
        Parse(frame).AsBigInteger().Should().Be(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData(",1.5\r\n")]
    [InlineData("$3\r\nabc\r\n")]
    [InlineData("$3\r\n1.5\r\n")]
    [InlineData("+\r\n")]
    [InlineData("_\r\n")]
    public void AsBigInteger_NoIntegerReading_ThrowsInvalidCast(string frame) => AssertInvalidCast(frame, value => value.AsBigInteger());

    [Theory]
    [InlineData("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n:2\r\n")]
    [InlineData("*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n")]
    [InlineData("%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n")]
    [InlineData("|2\r\n+a\r\n:1\r\n+b\r\n:2\r\n*0\r\n")]
    public void AsPairs_MapInEitherProtocol_ReturnsKeysAndValuesInOrder(string frame)
    {
        var value = Parse(frame);
        var pairs = (value.Attributes ?? value).AsPairs().Select(pair => (pair.Key.AsString(), pair.Value.AsInt64()));

        pairs.Should().Equal(("a", 1L), ("b", 2L));
    }

    [Theory]
    [InlineData("%0\r\n")]
    [InlineData("*0\r\n")]
    [InlineData("*?\r\n.\r\n")]
    public void AsPairs_EmptyMapOrArray_ReturnsNoPairs(string frame) =>
        Parse(frame).AsPairs().Should().BeEmpty();

    [Theory]
    [InlineData("*3\r\n:1\r\n:2\r\n:3\r\n")]
    [InlineData("$2\r\nab\r\n")]
    [InlineData("_\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData(":2\r\n")]
    public void AsPairs_NotKeyValueShape_ThrowsInvalidCast(string frame) => AssertInvalidCast(frame, value => value.AsPairs());

    [Theory]
    [InlineData("%3\r\n+a\r\n:1\r\n:7\r\n$1\r\nx\r\n+a\r\n:3\r\n")]
    [InlineData("*6\r\n$1\r\na\r\n:1\r\n:7\r\n$1\r\nx\r\n$1\r\na\r\n:3\r\n")]
    public void AsDictionary_MapInEitherProtocol_KeysByTextLastValueWins(string frame)
    {
        var dictionary = Parse(frame).AsDictionary();

        dictionary.Keys.Should().BeEquivalentTo("a", "7");
        dictionary["a"].AsInt64().Should().Be(3);
        dictionary["7"].AsString().Should().Be("x");
    }

    [Fact]
    public void AsDictionary_AggregateKey_ThrowsInvalidCast() => AssertInvalidCast("%1\r\n*1\r\n:1\r\n:2\r\n", value => value.AsDictionary());

    [Theory]
    [InlineData("$3\r\na\r\n\r\n", "a\r\n")]
    [InlineData(":42\r\n", "42")]
    [InlineData(",1.5\r\n", "1.5")]
    [InlineData("=6\r\nmkd:ab\r\n", "ab")]
    public void AsBytes_ScalarInAnyShape_ReturnsPayloadCopy(string frame, string expected)
    {
        var value = Parse(frame);

        var bytes = value.AsBytes();

        bytes.Should().Equal(RespBytes.Of(expected));
        bytes![0] ^= 0xff;
        value.AsBytes().Should().Equal(RespBytes.Of(expected), "the copy is the caller's");
    }

    [Theory]
    [InlineData("_\r\n")]
    [InlineData("$-1\r\n")]
    public void AsBytes_Null_ReturnsNull(string frame) =>
        Parse(frame).AsBytes().Should().BeNull();

    [Theory]
    [InlineData("*1\r\n:1\r\n")]
    [InlineData("~1\r\n:1\r\n")]
    [InlineData(">1\r\n:1\r\n")]
    [InlineData("%1\r\n:1\r\n:1\r\n")]
    public void ScalarConversions_Aggregate_ThrowInvalidCast(string frame)
    {
        AssertInvalidCast(frame, value => value.AsString());
        AssertInvalidCast(frame, value => value.AsBytes());
        AssertInvalidCast(frame, value => value.AsBigInteger());
    }

    [Fact]
    public void Verbatim_Parsed_KeepsFormatApartFromText()
    {
        var value = Parse("=15\r\nmkd:Some string\r\n");

        value.VerbatimFormat.Should().Be("mkd");
        value.Is("Some string"u8).Should().BeTrue();
    }

    private static void AssertInvalidCast(string frame, Func<RespValue, object?> convert)
    {
        var value = Parse(frame);

        value.Invoking(v => convert(v)).Should().Throw<InvalidCastException>(frame);
    }

    private static RespValue Parse(string frame) => RespFeed.Whole(new RespParser(), RespBytes.Of(frame)).Single();
}
