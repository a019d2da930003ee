using System.Text.Json;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald publish</c> against a real server: what lands in Redis, what is printed, and the exit codes.</summary>
public sealed class PublishCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Publish_StreamWithTypeHeadersAndKey_WritesTheEnvelopeAndPrintsIdsAsJson()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        const string body = """{ "id": "A-1",  "total": 42.5 }""";

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "stream:orders", body, "--prefix", prefix,
            "--type", "shop.order.placed", "-H", "tenant=eu", "--header", "source=cli", "--key", "customer-7", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("destination").GetString().Should().Be("stream:orders");
        root.GetProperty("published").GetInt64().Should().Be(1);
        var entry = (await ReadStreamAsync(new KeySchema(prefix).Stream("orders"))).Single();
        entry.Id.Should().Be(root.GetProperty("firstEntryId").GetString());
        entry.GetString("id").Should().Be(root.GetProperty("firstMessageId").GetString());
        entry.GetString("type").Should().Be("shop.order.placed");
        entry.GetString("h-tenant").Should().Be("eu");
        entry.GetString("h-source").Should().Be("cli");
        entry.GetString("partitionkey").Should().Be("customer-7");
        entry.GetString("datacontenttype").Should().Be("application/json");
        entry.GetString("data").Should().Be(body, "the body is published exactly as written");
    }

    [Fact]
    public async Task Publish_CountToQueue_PublishesEveryMessageWithItsOwnIdAndReportsTheRate()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "queue:jobs", "{}", "--prefix", prefix, "--count", "1500", "--batch", "200", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        json.RootElement.GetProperty("published").GetInt64().Should().Be(1500);
        json.RootElement.GetProperty("messagesPerSecond").GetDouble().Should().BePositive();
        json.RootElement.GetProperty("firstMessageId").GetString().Should().NotBe(json.RootElement.GetProperty("lastMessageId").GetString());
        await using var client = await ConnectAsync();
        (await client.ListLengthAsync(new KeySchema(prefix).Queue("jobs"))).Should().Be(1500);
    }

    [Fact]
    public async Task Publish_Text_PrintsOneLineWithTheIdAndForAChannelTheSubscriberCount()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "channel:cli-" + Guid.NewGuid().ToString("N"), "[1,2]");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex(@"^published [0-9A-Z]{26} to channel:cli-\w+: received by 0 subscribers\s*$");
    }

    [Fact]
    public async Task Publish_DelayToQueue_PutsTheMessageInTheDelayedSet()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');

        var run = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "queue:later", """{"at":"soon"}""", "--prefix", prefix, "--delay", "5m");

        run.ExitCode.Should().Be(0, run.ToString());
        await using var client = await ConnectAsync();
        var keys = new KeySchema(prefix);
        (await client.SortedSetLengthAsync(keys.Delayed("later"))).Should().Be(1);
        (await client.ListLengthAsync(keys.Queue("later"))).Should().Be(0);
    }

    [Fact]
    public async Task Publish_BodyFromFileAndFromStandardInput_PublishesBoth()
    {
        var prefix = redis.NewPrefix().TrimEnd(':');
        var file = Path.Combine(Path.GetTempPath(), $"herald-body-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"from":"file"}""");
        try
        {
            var fromFile = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "stream:in", "@" + file, "--prefix", prefix);
            var fromStdin = await HeraldTool.RunShellAsync($$"""printf '%s' '{"from":"stdin"}' | $HERALD --redis {{redis.Url}} publish stream:in - --prefix '{{prefix}}'""");

            fromFile.ExitCode.Should().Be(0, fromFile.ToString());
            fromStdin.ExitCode.Should().Be(0, fromStdin.ToString());
            (await ReadStreamAsync(new KeySchema(prefix).Stream("in"))).Select(e => e.GetString("data")).Should().Equal("""{"from":"file"}""", """{"from":"stdin"}""");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("orders", "{}", "'orders' is not a destination: write stream:<name>, queue:<name>, channel:<name>")]
    [InlineData("pattern:x*", "{}", "'pattern:x*' cannot be used here")]
    [InlineData("stream:orders", """{"a": tru}""", "the body is not valid JSON (line 1, byte ")]
    [InlineData("stream:orders", "@/nonexistent/body.json", "cannot read the body file")]
    public async Task Publish_BadArguments_ExitsWithUsageCodeAndOneLine(string destination, string body, string message)
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "publish", destination, body);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: " + message);
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Publish_DelayOnStreamOrIdWithCount_IsAUsageError()
    {
        var delay = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "stream:s", "{}", "--delay", "10s");
        var id = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "stream:s", "{}", "--id", "x", "--count", "2");
        var badDuration = await HeraldTool.RunAsync("--redis", redis.Url, "publish", "queue:q", "{}", "--delay", "soon");

        delay.ExitCode.Should().Be(2, delay.ToString());
        delay.ErrorLines.Should().ContainSingle().Which.Should().Contain("--delay applies to queues only");
        id.ExitCode.Should().Be(2, id.ToString());
        badDuration.ExitCode.Should().Be(2, badDuration.ToString());
        badDuration.ErrorLines.Should().ContainSingle().Which.Should().Contain("--delay takes a duration");
    }

    [Fact]
    public async Task Publish_RedisUnreachable_ExitsWithConnectionCode()
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://127.0.0.1:1", "publish", "stream:s", "{}");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error:");
    }

    private async Task<RedisClient> ConnectAsync() => await RedisClient.ConnectAsync(RedisOptions.Parse(redis.Url));

    private async Task<IReadOnlyList<StreamEntry>> ReadStreamAsync(string key)
    {
        await using var client = await ConnectAsync();
        return await client.StreamRangeAsync(key);
    }
}
