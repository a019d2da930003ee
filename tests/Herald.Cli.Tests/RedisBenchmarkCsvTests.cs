using Herald.Cli.Bench;

namespace Herald.Cli.Tests;

public sealed class RedisBenchmarkCsvTests
{
    [Fact]
    public void ParseCsv_Redis7Output_ReadsRpsAndLatencies()
    {
        const string csv = """
            "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            "SET","8900.76","0.108","0.016","0.031","0.047","3.479","15.167"
            "GET","9103.32","0.105","0.016","0.032","0.047","3.359","16.095"
            """;

        var figures = RedisBenchmarkTool.ParseCsv(csv);

        figures.Should().ContainKeys("SET", "GET");
        figures["SET"].RequestsPerSecond.Should().Be(8900.76);
        figures["SET"].P50Milliseconds.Should().Be(0.031);
        figures["GET"].P99Milliseconds.Should().Be(3.359);
        figures["GET"].AverageMilliseconds.Should().Be(0.105);
    }

    [Fact]
    public void ParseCsv_OldTwoColumnOutput_ReadsRpsAndLeavesLatencyUnknown()
    {
        var figures = RedisBenchmarkTool.ParseCsv("\"SET\",\"81234.50\"\n\"GET\",\"90000.00\"\n");

        figures["GET"].RequestsPerSecond.Should().Be(90000);
        double.IsNaN(figures["GET"].P50Milliseconds).Should().BeTrue();
    }

    [Fact]
    public void ParseCsv_ErrorText_YieldsNothing() =>
        RedisBenchmarkTool.ParseCsv("Could not connect to Redis at 127.0.0.1:1: Connection refused\n").Should().BeEmpty();
}
