namespace Herald.Prometheus.Tests;

/// <summary>The test's own parser refuses what Prometheus would refuse, so a passing scrape means something.</summary>
public sealed class ExpositionParserTests
{
    [Theory]
    [InlineData("x_total 1\n", "sample before its TYPE")]
    [InlineData("# TYPE x counter\nx{a=\"b\"c\"} 1\n", "unescaped quote")]
    [InlineData("# TYPE x counter\nx{a=\"\\t\"} 1\n", "unknown escape")]
    [InlineData("# TYPE x counter\nx 1", "no final line feed")]
    [InlineData("# TYPE x counter\nx one\n", "value is not a number")]
    [InlineData("# TYPE x counter\n# TYPE y gauge\ny 1\nx 2\n", "family split in two blocks")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "buckets not cumulative")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "no +Inf bucket")]
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "+Inf differs from count")]
    [InlineData("# TYPE x counter\nx 1\nx 2\n", "repeated series")]
    public void Parse_InvalidExposition_Throws(string text, string because)
    {
        var act = () => ExpositionParser.Parse(text);
        act.Should().Throw<FormatException>(because);
    }

    [Fact]
    public void Parse_ValidExposition_ReadsLabelsAndValues()
    {
        var exposition = ExpositionParser.Parse("# HELP x Sent.\n# TYPE x counter\nx{a=\"q\\\"\\\\\\n\"} 1.5E-07\n");
        exposition.Samples("x").Single().Labels["a"].Should().Be("q\"\\\n");
        exposition.Samples("x").Single().Value.Should().Be(1.5e-7);
    }
}
