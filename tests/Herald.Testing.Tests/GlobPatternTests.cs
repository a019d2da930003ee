namespace Herald.Testing.Tests;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("shop:*", "shop:orders", true)]
    [InlineData("shop:*", "shop:", true)]
    [InlineData("shop:*", "shops:x", false)]
    [InlineData("*:placed", "shop:eu:placed", true)]
    [InlineData("shop:*:placed", "shop:eu:cancelled", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-c]llo", "hbllo", true)]
    [InlineData("h[c-a]llo", "hbllo", true)]
    [InlineData("h[a-c]llo", "hdllo", false)]
    [InlineData("literal\\*", "literal*", true)]
    [InlineData("literal\\*", "literalx", false)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("Shop:*", "shop:x", false)]
    [InlineData("*", "", true)]
    public void IsMatch_RedisGlob_MatchesAsPsubscribeDoes(string pattern, string channel, bool expected)
    {
        GlobPattern.IsMatch(pattern, channel).Should().Be(expected);
    }
}
