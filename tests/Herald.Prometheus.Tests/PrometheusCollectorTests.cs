using System.Diagnostics.Metrics;

namespace Herald.Prometheus.Tests;

/// <summary>The collector against a private meter: each test names its own, so parallel tests do not mix.</summary>
public sealed class PrometheusCollectorTests
{
    [Fact]
    public void Scrape_CounterWithTagsInAnyOrder_OneCumulativeSeries()
    {
        using var meter = new Meter(MeterName());
        using var collector = Collector(meter);
        var sent = meter.CreateCounter<long>("app.sent", "{message}", "Sent.");

        sent.Add(2, new("b", "2"), new("a", "1"));
        sent.Add(3, new("a", "1"), new("b", "2"));

        var samples = ExpositionParser.Parse(collector.Scrape()).Samples("app_sent_total");
        samples.Should().ContainSingle().Which.Should().BeEquivalentTo(new Sample("app_sent_total", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, 5));
    }

    [Fact]
    public void Scrape_HistogramWithAdvice_BucketsAtAdvisedBoundsValueOnABoundCountsInIt()
    {
        using var meter = new Meter(MeterName());
        using var collector = Collector(meter);
        var duration = meter.CreateHistogram<double>("app.duration", "s", "Duration.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1] });

        duration.Record(0.5);
        duration.Record(0.7);
        duration.Record(4);

        var exposition = ExpositionParser.Parse(collector.Scrape());
        exposition.Families["app_duration_seconds"].Should().Be("histogram");
        exposition.Samples("app_duration_seconds_bucket").Select(s => (s.Labels["le"], s.Value)).Should().Equal(("0.5", 1), ("1", 2), ("+Inf", 3));
        exposition.Samples("app_duration_seconds_sum").Single().Value.Should().Be(5.2);
        exposition.Samples("app_duration_seconds_count").Single().Value.Should().Be(3);
    }

    [Fact]
    public void Scrape_HistogramWithoutAdvice_UsesDefaultBounds()
    {
        using var meter = new Meter(MeterName());
        using var collector = Collector(meter, o => o.DefaultHistogramBounds = [10, 100]);
        meter.CreateHistogram<long>("app.size", "By").Record(50);

        ExpositionParser.Parse(collector.Scrape()).Samples("app_size_bytes_bucket").Select(s => (s.Labels["le"], s.Value)).Should().Equal(("10", 0), ("100", 1), ("+Inf", 1));
    }

    [Fact]
    public void Scrape_ObservableGauge_ReadAtEachScrapeAndSeriesGoneWhenNoLongerReported()
    {
        using var meter = new Meter(MeterName());
        using var collector = Collector(meter);
        var queues = new Dictionary<string, int> { ["a"] = 3, ["b"] = 7 };
        meter.CreateObservableGauge("app.depth", () => queues.Select(q => new Measurement<int>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))).ToList(), "{message}");

        ExpositionParser.Parse(collector.Scrape()).Samples("app_depth").Select(s => (s.Labels["queue"], s.Value)).Should().Equal(("a", 3), ("b", 7));

        queues.Remove("a");
        queues["b"] = 1;
        ExpositionParser.Parse(collector.Scrape()).Samples("app_depth").Select(s => (s.Labels["queue"], s.Value)).Should().Equal(("b", 1));
    }

    [Fact]
    public void Scrape_UpDownCounter_GaugeOfTheRunningSum()
    {
        using var meter = new Meter(MeterName());
        using var collector = Collector(meter);
        var inFlight = meter.CreateUpDownCounter<int>("app.in_flight");
        inFlight.Add(5);
        inFlight.Add(-2);

        var exposition = ExpositionParser.Parse(collector.Scrape());
        exposition.Families["app_in_flight"].Should().Be("gauge");
        exposition.Samples("app_in_flight").Single().Value.Should().Be(3);
    }

    [Fact]
    public void Scrape_MeterNotNamed_NotCollected()
    {
        using var meter = new Meter(MeterName());
        using var other = new Meter(MeterName());
        using var collector = Collector(meter);
        other.CreateCounter<long>("other.sent").Add(1);

        ExpositionParser.Parse(collector.Scrape()).Families.Should().NotContainKey("other_sent_total");
    }

    [Fact]
    public void Constructor_NoMeter_Throws()
    {
        var act = () => new PrometheusCollector(Options(o => o.Meters.Clear()));
        act.Should().Throw<ArgumentException>();
    }

    private static PrometheusCollector Collector(Meter meter, Action<PrometheusCollectorOptions>? configure = null) =>
        new(Options(o =>
        {
            o.Meters.Clear();
            o.Meters.Add(meter.Name);
            configure?.Invoke(o);
        }));

    private static PrometheusCollectorOptions Options(Action<PrometheusCollectorOptions> configure)
    {
        var options = new PrometheusCollectorOptions();
        configure(options);
        return options;
    }

    private static string MeterName() => $"test.{Guid.NewGuid():N}";
}
