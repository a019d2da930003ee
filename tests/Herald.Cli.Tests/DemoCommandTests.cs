using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald demo</c> runs end to end on a private server, reports every destination and leaves no keys.</summary>
public sealed class DemoCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Demo_ShortJsonRun_HandlesEveryDestinationDeadLettersFailuresAndDeletesItsKeys()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "demo", "--duration", "3", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        var prefix = root.GetProperty("keyPrefix").GetString();
        prefix.Should().StartWith("herald-demo:");

        var destinations = root.GetProperty("destinations").EnumerateArray().ToList();
        destinations.Select(d => d.GetProperty("kind").GetString()).Should().Equal("stream", "queue", "channel", "task");
        destinations.Should().OnlyContain(d => d.GetProperty("handled").GetInt64() > 0 && d.GetProperty("published").GetInt64() > 0);
        destinations.Should().OnlyContain(d => d.GetProperty("latencyP99Milliseconds").GetDouble() >= d.GetProperty("latencyP50Milliseconds").GetDouble());
        root.GetProperty("totalDeadLetters").GetInt64().Should().BePositive();
        root.GetProperty("deadLetters").EnumerateArray().Should().OnlyContain(d => d.GetProperty("error").GetString()!.Contains("deliberate"));
        root.GetProperty("keysDeleted").GetInt64().Should().BePositive();

        var left = await redis.Server.CliAsync("--scan", "--pattern", prefix + "*");
        left.Should().BeEmpty("the demo deletes every key under its prefix");
    }

    [Fact]
    public async Task Demo_RedisUnreachable_ExitsWithConnectionCodeAndOneLine()
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://127.0.0.1:1", "demo", "--duration", "1");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error:");
    }
}
