using Herald.Cli.Bench;

namespace Herald.Cli.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void ValueAtPercentile_Empty_IsZero() =>
        new LatencyHistogram().ValueAtPercentile(50).Should().Be(0);

    [Fact]
    public void ValueAtPercentile_UniformValues_WithinOnePercent()
    {
        var histogram = new LatencyHistogram();
        for (var value = 1; value <= 100_000; value++)
            histogram.Record(value * 100L);

        histogram.Count.Should().Be(100_000);
        histogram.ValueAtPercentile(50).Should().BeApproximately(5_000_000, 5_000_000 * 0.01);
        histogram.ValueAtPercentile(99).Should().BeApproximately(9_900_000, 9_900_000 * 0.01);
        histogram.ValueAtPercentile(100).Should().Be(10_000_000);
        histogram.ValueAtPercentile(0).Should().Be(100);
    }

    [Fact]
    public void ValueAtPercentile_OneOutlier_ShowsOnlyAtTheTail()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 999; i++)
            histogram.Record(30_000);
        histogram.Record(5_000_000);

        histogram.ValueAtPercentile(50).Should().BeApproximately(30_000, 300);
        histogram.ValueAtPercentile(99.9).Should().BeApproximately(30_000, 300);
        histogram.ValueAtPercentile(100).Should().Be(5_000_000);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(255L)]
    [InlineData(256L)]
    [InlineData(511L)]
    [InlineData(512L)]
    [InlineData(123_456_789L)]
    [InlineData(1L << 40)]
    public void IndexOf_AnyValue_LandsInABucketThatHoldsIt(long value)
    {
        var (low, width) = LatencyHistogram.BucketOf(LatencyHistogram.IndexOf(value));

        value.Should().BeInRange(low, low + width - 1);
        if (value < 256)
            width.Should().Be(1, "small values are exact");
        else
            ((double)width / low).Should().BeLessThanOrEqualTo(1.0 / 128, "buckets are at most 1/128 of their value wide");
    }

    [Fact]
    public void Record_NegativeOrHugeValue_IsClampedNotThrown()
    {
        var histogram = new LatencyHistogram();

        histogram.Record(-5);
        histogram.Record(long.MaxValue);

        histogram.Count.Should().Be(2);
        histogram.ValueAtPercentile(100).Should().Be(long.MaxValue);
    }

    [Fact]
    public void Distribution_ValuesEitherSideOfTheBounds_EachCountedInItsBand()
    {
        var histogram = new LatencyHistogram();
        foreach (var nanoseconds in new long[] { 50, 99_000, 101_000, 250_000, 990_000, 5_000_000, 90_000_000 })
        {
            histogram.Record(nanoseconds);
        }

        histogram.Distribution([100_000, 1_000_000, 10_000_000]).Should().Equal(2, 3, 1, 1);
    }
}
