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
    public void RateLimit_AnyName_HasItsOwnReservedTagWithTheNameEscaped()
    {
        var keys = new KeySchema("app");

        keys.RateLimit("tasks.send_email").Should().Be("app:{#rate:tasks.send_email}:tat");
        keys.RateLimit("odd {name} #1").Should().Be("app:{#rate:odd%20%7Bname%7D%20%231}:tat");
        keys.RateLimitPattern().Should().Be("app:{#rate:*}:tat");
        FluentActions.Invoking(() => keys.RateLimit(string.Empty)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void GroupRateLimitName_DestinationAndGroup_SeparatedUnambiguously()
    {
        var keys = new KeySchema("app");

        KeySchema.GroupRateLimitName(Destination.Queue("jobs"), "default").Should().Be("queue:jobs#default");
        keys.RateLimit(KeySchema.GroupRateLimitName(Destination.Queue("jobs"), "default")).Should().Be("app:{#rate:queue:jobs%23default}:tat");
        KeySchema.GroupRateLimitName(Destination.Queue("a:b"), "c").Should().NotBe(KeySchema.GroupRateLimitName(Destination.Queue("a"), "b:c"));
        KeySchema.GroupRateLimitName(Destination.Channel("a#b"), "c").Should().NotBe(KeySchema.GroupRateLimitName(Destination.Channel("a"), "b#c"));
        KeySchema.GroupRateLimitName(Destination.Stream("jobs"), "default").Should().NotBe(KeySchema.GroupRateLimitName(Destination.Queue("jobs"), "default"));
    }

    [Fact]
    public void Throughput_AnyOffset_NamesTheUtcMinute()
    {
        var keys = new KeySchema("app");

        keys.Throughput(new DateTimeOffset(2030, 1, 2, 5, 7, 59, TimeSpan.FromHours(2))).Should().Be("app:{#throughput}:203001020307");
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("billing-worker-1", true)]
    [InlineData("a{b}", false)]
    [InlineData("a#b", false)]
    [InlineData("with space", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidName_AnyName_AgreesWithValidateName(string? name, bool valid)
    {
        KeySchema.IsValidName(name).Should().Be(valid);
        var validate = () => KeySchema.ValidateName(name!);
        if (valid)
        {
            validate.Should().NotThrow();
        }
        else
        {
            validate.Should().Throw<ArgumentException>();
        }
    }
}
