using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

public sealed class InfoCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Info_NoSection_ShowsSummaryWithVersion()
    {
        var version = await redis.Server.CliAsync("INFO", "server");
        var expected = version.Split('\n').Single(line => line.StartsWith("redis_version:", StringComparison.Ordinal)).Split(':')[1].Trim();

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "info");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("Version").And.Contain(expected).And.Contain("standalone").And.Contain("Keyspace").And.Contain("Ops/s");
        run.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task Info_Json_CarriesSummaryAndEverySection()
    {
        var key = redis.NewPrefix() + "k";
        await redis.Server.CliAsync("SET", key, "v");

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "--json", "info");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var summary = json.RootElement.GetProperty("summary");
        summary.GetProperty("version").GetString().Should().MatchRegex(@"^\d+\.\d+\.\d+");
        summary.GetProperty("mode").GetString().Should().Be("standalone");
        summary.GetProperty("role").GetString().Should().Be("master");
        summary.GetProperty("connectedClients").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        summary.GetProperty("usedMemoryBytes").GetInt64().Should().BePositive();
        summary.GetProperty("keyspace")[0].GetProperty("keys").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        var sections = json.RootElement.GetProperty("sections");
        sections.GetProperty("server").GetProperty("tcp_port").GetString().Should().Be(redis.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        sections.GetProperty("memory").GetProperty("used_memory").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Info_Section_ListsEveryFieldOfThatSectionOnly()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "info", "memory");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("used_memory_human").And.Contain("maxmemory_policy");
        run.Output.Should().NotContain("redis_version");
    }
}
