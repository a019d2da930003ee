using Herald.Redis.Commands;

namespace Herald.Redis.Tests.Commands;

public sealed class StreamIdTests
{
    [Theory]
    [InlineData("1526919030474-55", 1526919030474UL, 55UL)]
    [InlineData("0-0", 0UL, 0UL)]
    [InlineData("7", 7UL, 0UL)]
    [InlineData("18446744073709551615-18446744073709551615", ulong.MaxValue, ulong.MaxValue)]
    public void Parse_ValidText_ReadsBothParts(string text, ulong milliseconds, ulong sequence)
    {
        var id = StreamId.Parse(text);

        id.Milliseconds.Should().Be(milliseconds);
        id.Sequence.Should().Be(sequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("$")]
    [InlineData(">")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("1-2-3")]
    [InlineData("a-1")]
    [InlineData(" 1-1")]
    public void TryParse_TokenOrMalformed_ReturnsFalse(string? text) =>
        StreamId.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Parse_Malformed_ThrowsFormatException() =>
        FluentActions.Invoking(() => StreamId.Parse("nope")).Should().Throw<FormatException>();

    [Fact]
    public void ToString_Id_RoundTripsThroughParse()
    {
        var id = new StreamId(1526919030474, 55);

        id.ToString().Should().Be("1526919030474-55");
        StreamId.Parse(id.ToString()).Should().Be(id);
    }

    [Fact]
    public void CompareTo_Ids_OrdersByTimeThenSequence()
    {
        var ids = new[] { new StreamId(2, 0), new StreamId(1, 5), StreamId.Max, new StreamId(1, 10), StreamId.Min };

        ids.Order().Should().Equal(StreamId.Min, new StreamId(1, 5), new StreamId(1, 10), new StreamId(2, 0), StreamId.Max);
        (new StreamId(1, 5) < new StreamId(1, 10)).Should().BeTrue();
        (new StreamId(2, 0) >= new StreamId(1, 10)).Should().BeTrue();
        (new StreamId(1, 1) <= new StreamId(1, 1)).Should().BeTrue();
        (new StreamId(3, 0) > new StreamId(3, 0)).Should().BeFalse();
    }

    [Fact]
    public void Next_MaxSequence_CarriesIntoMilliseconds()
    {
        new StreamId(5, 1).Next().Should().Be(new StreamId(5, 2));
        new StreamId(5, ulong.MaxValue).Next().Should().Be(new StreamId(6, 0));
    }

    [Fact]
    public void FromTimestamp_Time_IsFirstIdOfThatMillisecond()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        var id = StreamId.FromTimestamp(time);

        id.Should().Be(new StreamId(1_700_000_000_123, 0));
        id.Timestamp.Should().Be(time);
    }

    [Fact]
    public void Tokens_AreTheServersSpecialIds()
    {
        StreamId.Auto.Should().Be("*");
        StreamId.Latest.Should().Be("$");
        StreamId.Undelivered.Should().Be(">");
        StreamId.RangeStart.Should().Be("-");
        StreamId.RangeEnd.Should().Be("+");
    }
}
