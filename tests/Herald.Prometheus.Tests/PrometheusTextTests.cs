using System.Text;

namespace Herald.Prometheus.Tests;

public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("herald.messages.published", "{message}", "Counter", "herald_messages_published_total")]
    [InlineData("herald.message.processing.duration", "s", "Histogram", "herald_message_processing_duration_seconds")]
    [InlineData("herald.redis.commands.in_flight", "{command}", "Gauge", "herald_redis_commands_in_flight")]
    [InlineData("requests.total", null, "Counter", "requests_total")]
    [InlineData("queue.size", "By", "Gauge", "queue_size_bytes")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization_ratio")]
    [InlineData("io.rate", "By/s", "Gauge", "io_rate_bytes_per_second")]
    [InlineData("wait.seconds", "s", "Histogram", "wait_seconds")]
    [InlineData("2xx-responses..count", null, "Gauge", "_2xx_responses_count")]
    public void MetricName_OpenTelemetryInstrument_SanitisedWithUnitAndTotalSuffixes(string instrument, string? unit, string kind, string expected) =>
        PrometheusText.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)).Should().Be(expected);

    [Theory]
    [InlineData("messaging.destination.name", "messaging_destination_name")]
    [InlineData("ns:key", "ns_key")]
    [InlineData("9lives", "_9lives")]
    public void SanitizeLabelName_DotsColonsAndLeadingDigits_BecomeUnderscores(string tag, string expected) =>
        PrometheusText.SanitizeLabelName(tag).Should().Be(expected);

    [Fact]
    public void EscapeLabelValue_BackslashQuoteAndNewline_Escaped() =>
        PrometheusText.EscapeLabelValue("C:\\dir \"q\"\nnext").Should().Be("C:\\\\dir \\\"q\\\"\\nnext");

    [Fact]
    public void EscapeLabelValue_PlainText_ReturnedAsItIs()
    {
        const string plain = "orders-eu:1";
        PrometheusText.EscapeLabelValue(plain).Should().BeSameAs(plain);
    }

    [Fact]
    public void EscapeHelp_BackslashAndNewline_EscapedButQuotesKept() =>
        PrometheusText.EscapeHelp("a \\ \"b\"\nc").Should().Be("a \\\\ \"b\"\\nc");

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(42d, "42")]
    [InlineData(1e-7, "1E-07")]
    public void FormatValue_SpecialAndOrdinaryValues_AsPrometheusReadsThem(double value, string expected) =>
        PrometheusText.FormatValue(value).Should().Be(expected);

    [Fact]
    public void Write_Histogram_BucketsCumulativeEndingWithInfThenSumAndCount()
    {
        var family = new MetricSnapshot("latency_seconds", "Latency.", MetricKind.Histogram,
        [
            new SeriesSnapshot([new("dest", "a\"b")], 0, Bounds: [0.1, 1, 10], BucketCounts: [2, 0, 3, 1], Sum: 25.5, Count: 6),
        ]);

        Write(family).Should().Be(
            """
            # HELP latency_seconds Latency.
            # TYPE latency_seconds histogram
            latency_seconds_bucket{dest="a\"b",le="0.1"} 2
            latency_seconds_bucket{dest="a\"b",le="1"} 2
            latency_seconds_bucket{dest="a\"b",le="10"} 5
            latency_seconds_bucket{dest="a\"b",le="+Inf"} 6
            latency_seconds_sum{dest="a\"b"} 25.5
            latency_seconds_count{dest="a\"b"} 6

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_CounterAndGauge_HelpTypeAndSamplesWithAndWithoutLabels()
    {
        var counter = new MetricSnapshot("sent_total", "Sent\nmessages.", MetricKind.Counter,
            [new SeriesSnapshot([], 3), new SeriesSnapshot([new("a", "x"), new("b", "y\\z")], 4)]);
        var gauge = new MetricSnapshot("depth", "Depth.", MetricKind.Gauge, [new SeriesSnapshot([new("q", "jobs")], -1.5)]);

        Write(counter, gauge).Should().Be(
            """
            # HELP sent_total Sent\nmessages.
            # TYPE sent_total counter
            sent_total 3
            sent_total{a="x",b="y\\z"} 4
            # HELP depth Depth.
            # TYPE depth gauge
            depth{q="jobs"} -1.5

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_FamilyWithoutSeries_LeftOut() =>
        Write(new MetricSnapshot("idle_total", "Nothing yet.", MetricKind.Counter, [])).Should().BeEmpty();

    private static string Write(params MetricSnapshot[] families)
    {
        var text = new StringBuilder();
        PrometheusText.Write(text, families);
        return text.ToString();
    }
}
