using Herald.Keys;

namespace Herald.Tests.Keys;

public sealed class KeySchemaTests
{
    [Theory]
    [InlineData("orders", "orders")]
    [InlineData("shop:orders:*", "shop:orders:*")]
    [InlineData("a b", "a%20b")]
    [InlineData("{x}#1", "%7Bx%7D%231")]
    [InlineData("100%", "100%25")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("no\u00A0break", "no%C2%A0break")]
    [InlineData("café", "café")]
    public void EscapeName_ChannelName_MapsToAValidKeyName(string channel, string expected)
    {
        var escaped = KeySchema.EscapeName(channel);

        escaped.Should().Be(expected);
        FluentActions.Invoking(() => KeySchema.ValidateName(escaped)).Should().NotThrow();
    }

    [Fact]
    public void EscapeName_NamesThatDifferOnlyInEscapes_StayDistinct()
    {
        KeySchema.EscapeName("a{b").Should().NotBe(KeySchema.EscapeName("a%7Bb"));
    }

    [Fact]
    public void ChannelDeadLetters_OrdinaryAndReservedNames_UseTheDeadLetterStreamOfTheEscapedName()
    {
        var keys = new KeySchema("app");

        keys.ChannelDeadLetters("orders").Should().Be("app:{orders}:dlq");
        keys.ChannelDeadLetters("odd {name}").Should().Be("app:{odd%20%7Bname%7D}:dlq");
        FluentActions.Invoking(() => keys.ChannelDeadLetters(string.Empty)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void WorkerKeys_AnyWorker_ShareOneReservedTagNoDestinationCanHave()
    {
        var keys = new KeySchema("app");

        keys.Workers().Should().Be("app:{#workers}:index");
        keys.Worker("host:42:0a1b2c3d").Should().Be("app:{#workers}:worker:host:42:0a1b2c3d");
        FluentActions.Invoking(() => keys.Worker("bad id")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => KeySchema.Tag("#workers")).Should().Throw<ArgumentException>("'#' is reserved in destination names");
    }

    [Fact]
    public void Throughput_AnyOffset_NamesTheUtcMinute()
    {
        var keys = new KeySchema("app");

        keys.Throughput(new DateTimeOffset(2030, 1, 2, 5, 7, 59, TimeSpan.FromHours(2))).Should().Be("app:{#throughput}:203001020307");
    }
}
