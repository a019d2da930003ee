using System.Text.Json;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald listen</c> prints what is published while it listens, and stops on a count, a duration or Ctrl+C.</summary>
public sealed class ListenCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Listen_ChannelAndPattern_PrintsEachMessageAsAJsonLineAndStopsAfterCount()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var listening = HeraldTool.RunAsync("--redis", redis.Url, "listen", $"news-{id}", $"pattern:shop-{id}:*", "--count", "3", "--json");
        await using var client = await RedisClient.ConnectAsync(RedisOptions.Parse(redis.Url));
        await using var bus = await HeraldClient.CreateBuilder().UseRedis(client).BuildAsync();
        await WaitForSubscribersAsync(client, $"news-{id}", patterns: 1);

        await bus.PublishAsync(Destination.Channel($"news-{id}"), new { Headline = "hello" }, new PublishOptions { Type = "news.posted", Headers = new Dictionary<string, string> { ["lang"] = "en" } });
        await bus.PublishAsync(Destination.Channel($"shop-{id}:orders"), new { Total = 5 });
        await client.PublishAsync($"shop-{id}:raw", "plain text from redis-cli");
        var run = await listening;

        run.ExitCode.Should().Be(0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // A channel and a pattern are two subscriptions, each with its own buffer: order holds within one, not across.
        lines.Should().HaveCount(3);
        var byDestination = lines.ToDictionary(l => l.GetProperty("destination").GetString()!);
        byDestination.Keys.Should().BeEquivalentTo([$"channel:news-{id}", $"channel:shop-{id}:orders", $"channel:shop-{id}:raw"], "a pattern reports the channel each message came on");
        var news = byDestination[$"channel:news-{id}"];
        news.GetProperty("type").GetString().Should().Be("news.posted");
        news.GetProperty("headers").GetProperty("lang").GetString().Should().Be("en");
        news.GetProperty("body").GetProperty("headline").GetString().Should().Be("hello");
        byDestination[$"channel:shop-{id}:orders"].GetProperty("body").GetProperty("total").GetInt32().Should().Be(5);
        byDestination[$"channel:shop-{id}:raw"].GetProperty("bodyText").GetString().Should().Be("plain text from redis-cli");
    }

    [Fact]
    public async Task Listen_Interrupted_ExitsZeroAfterPrintingTheCount()
    {
        var channel = "interrupt-" + Guid.NewGuid().ToString("N");
        using var listening = HeraldTool.Start("--redis", redis.Url, "listen", "channel:" + channel);
        await using var client = await RedisClient.ConnectAsync(RedisOptions.Parse(redis.Url));
        await WaitForSubscribersAsync(client, channel, patterns: 0);

        await listening.InterruptAsync();
        var run = await listening.WaitAsync();

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"listening on channel:{channel}").And.Contain("received 0 messages");
        run.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task Listen_Duration_StopsByItselfWithExitZero()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "listen", "quiet-" + Guid.NewGuid().ToString("N"), "--duration", "300ms");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("received 0 messages");
    }

    [Fact]
    public async Task Listen_Stream_IsAUsageErrorPointingAtTail()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "listen", "stream:orders");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain("herald tail");
    }

    private static async Task WaitForSubscribersAsync(RedisClient client, string channel, int patterns) =>
        await Wait.UntilAsync(async () =>
            (await client.SubscriberCountsAsync([channel]))[channel] == 1 && await client.PatternSubscriptionCountAsync() >= patterns,
            because: "herald listen has subscribed");
}
