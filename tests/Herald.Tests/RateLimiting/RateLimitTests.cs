using Herald.RateLimiting;

namespace Herald.Tests.RateLimiting;

public sealed class RateLimitTests
{
    [Theory]
    [InlineData("10/s", 10, 1_000, 1)]
    [InlineData("100/m", 100, 60_000, 1)]
    [InlineData("1000/h", 1000, 3_600_000, 1)]
    [InlineData("5/2s", 5, 2_000, 1)]
    [InlineData("50/100ms", 50, 100, 1)]
    [InlineData("3/d", 3, 86_400_000, 1)]
    [InlineData("7", 7, 1_000, 1)]
    [InlineData("  20/S  ", 20, 1_000, 1)]
    [InlineData("10/s burst 5", 10, 1_000, 5)]
    [InlineData("10/m  BURST  3", 10, 60_000, 3)]
    public void Parse_CeleryStyleText_ReadsPermitsPeriodAndBurst(string text, int permits, long periodMs, int burst)
    {
        var limit = RateLimit.Parse(text);

        limit.Permits.Should().Be(permits);
        limit.Period.Should().Be(TimeSpan.FromMilliseconds(periodMs));
        limit.Burst.Should().Be(burst);
        RateLimit.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(limit);
    }

    [Theory]
    [InlineData("10/s", "10/s")]
    [InlineData("5/2s", "5/2s")]
    [InlineData("60/60s", "60/m")]
    [InlineData("1/120m", "1/2h")]
    [InlineData("50/1500ms", "50/1500ms")]
    [InlineData("7", "7/s")]
    [InlineData("10/s burst 1", "10/s")]
    [InlineData("10/s burst 4", "10/s burst 4")]
    public void ToString_AnyLimit_RoundTripsThroughParse(string text, string expected)
    {
        var limit = RateLimit.Parse(text);

        limit.ToString().Should().Be(expected);
        RateLimit.Parse(limit.ToString()).Should().Be(limit);
    }

    [Theory]
    [InlineData("", "cannot be empty")]
    [InlineData("   ", "cannot be empty")]
    [InlineData("ten/s", "the permits 'ten' are not a whole number")]
    [InlineData("-5/s", "the permits '-5' are not a whole number")]
    [InlineData("0/s", "the permits must be at least 1")]
    [InlineData("10/", "the period after '/' is missing")]
    [InlineData("10/w", "the period 'w' has no known unit")]
    [InlineData("10/0s", "the period must be a positive whole number of milliseconds")]
    [InlineData("10/99999999999s", "is too long")]
    [InlineData("2000000/s", "more than one per microsecond")]
    [InlineData("10/s fast", "'fast' follows the rate where only 'burst N' may")]
    [InlineData("10/s burst", "the burst '' is not a whole number")]
    [InlineData("10/s burst 0", "the burst must be at least 1")]
    public void Parse_InvalidText_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        var parse = () => RateLimit.Parse(text);

        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*").And.Message.Should().Contain("rate limit");
        RateLimit.TryParse(text, out var limit).Should().BeFalse();
        limit.Should().BeNull();
    }

    [Fact]
    public void Constructor_OutOfRange_ThrowsNamingTheArgument()
    {
        FluentActions.Invoking(() => new RateLimit(0, TimeSpan.FromSeconds(1))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("permits");
        FluentActions.Invoking(() => new RateLimit(1, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("period");
        FluentActions.Invoking(() => new RateLimit(1, TimeSpan.FromTicks(15_000))).Should().Throw<ArgumentOutOfRangeException>("a period must be whole milliseconds").Which.ParamName.Should().Be("period");
        FluentActions.Invoking(() => new RateLimit(1, TimeSpan.FromSeconds(1), burst: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("burst");
        FluentActions.Invoking(() => RateLimit.PerSecond(1).WithBurst(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void EmissionInterval_PerMinuteLimit_IsPeriodOverPermits()
    {
        RateLimit.PerMinute(120).EmissionInterval.Should().Be(TimeSpan.FromMilliseconds(500));
        RateLimit.PerHour(3600, burst: 10).Should().Be(new RateLimit(3600, TimeSpan.FromHours(1), 10));
        RateLimit.PerSecond(10).Should().NotBe(RateLimit.PerSecond(10, burst: 2));
        RateLimit.PerSecond(10).Burst.Should().Be(RateLimit.DefaultBurst);
    }
}
