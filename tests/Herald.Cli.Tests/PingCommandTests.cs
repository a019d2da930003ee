using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

public sealed class PingCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Ping_ReachableServer_PrintsPongAndExitsZero()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "ping");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("PONG").And.Contain("RESP3").And.Contain($"127.0.0.1:{redis.Server.Port}");
        run.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task Ping_Json_PrintsOneObjectWithVersionProtocolAndRoundTrips()
    {
        var run = await HeraldTool.RunAsync("ping", "--count", "3", "--redis", redis.Url, "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("serverVersion").GetString().Should().MatchRegex(@"^\d+\.\d+\.\d+");
        root.GetProperty("protocol").GetInt32().Should().Be(3);
        root.GetProperty("endpoint").GetString().Should().Be($"127.0.0.1:{redis.Server.Port}");
        root.GetProperty("roundTripsMilliseconds").GetArrayLength().Should().Be(3);
        root.GetProperty("minMilliseconds").GetDouble().Should().BePositive();
    }

    [Fact]
    public async Task Ping_NoRedisOption_UsesHeraldRedisVariable()
    {
        var run = await HeraldTool.RunAsync(["ping"], new Dictionary<string, string> { ["HERALD_REDIS"] = redis.Url });

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"127.0.0.1:{redis.Server.Port}");
    }

    [Fact]
    public async Task Ping_Resp2Url_ReportsProtocolTwo()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url + "?protocol=2", "ping", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        json.RootElement.GetProperty("protocol").GetInt32().Should().Be(2);
    }
}
