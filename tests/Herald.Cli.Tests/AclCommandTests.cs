using System.Text.Json;
using Herald.Redis;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald acl</c>: its lines, applied with redis-cli, confine a service's user to its own destinations.</summary>
public sealed class AclCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"herald-acl-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task Acl_LinesPipedToRedisCli_LetTheServicePublishItsOwnAndRefuseTheRestWithNoPerm()
    {
        var (user, prefix) = await WriteServiceAsync();

        var applied = await HeraldTool.RunShellAsync($"$HERALD acl {_file} --password 'pa ss' | ${{HERALD_REDIS_CLI:-redis-cli}} -p {redis.Server.Port}");

        applied.ExitCode.Should().Be(0, applied.ToString());
        applied.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l == "OK", "redis-cli accepted every line");
        var url = $"redis://{user}:pa%20ss@127.0.0.1:{redis.Server.Port}";
        var own = await HeraldTool.RunAsync("--redis", url, "publish", "stream:payments", "{}", "--prefix", prefix);
        var other = await HeraldTool.RunAsync("--redis", url, "publish", "stream:orders", "{}", "--prefix", prefix);
        var tail = await HeraldTool.RunAsync("--redis", url, "tail", "orders", "--prefix", prefix);
        own.ExitCode.Should().Be(0, own.ToString());
        other.ExitCode.Should().Be(4, "NOPERM is an authorisation failure: " + other);
        other.ErrorLines.Should().ContainSingle().Which.Should().Contain("NOPERM");
        tail.ExitCode.Should().Be(4, "another service's stream cannot be read either: " + tail);

        await using var client = await RedisClient.ConnectAsync(RedisOptions.Parse(url));
        var flush = () => client.ExecuteAsync("FLUSHALL").AsTask();
        (await flush.Should().ThrowAsync<RedisServerException>()).Which.Kind.Should().Be(RedisErrorKind.NoPerm);
    }

    [Fact]
    public async Task Acl_Json_GivesTheCommandsAsArgumentsThatApplyAsGiven()
    {
        var (user, _) = await WriteServiceAsync();

        var run = await HeraldTool.RunAsync("acl", _file, "--password", "nopass", "--json");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("user").GetString().Should().Be(user);
        root.GetProperty("allowedCommands").EnumerateArray().Select(c => c.GetString()).Should().Contain("xreadgroup").And.NotContain("flushall");
        root.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("alerts");
        await using var admin = await RedisClient.ConnectAsync(RedisOptions.Parse(redis.Url));
        foreach (var command in root.GetProperty("commands").EnumerateArray())
        {
            var args = command.EnumerateArray().Select(a => (RedisArg)a.GetString()!).ToArray();
            (await admin.ExecuteAsync(new RedisCommand(command[0].GetString()!, args[1..]))).AsString().Should().Be("OK");
        }

        await using var service = await RedisClient.ConnectAsync(RedisOptions.Parse($"redis://{user}:anything@127.0.0.1:{redis.Server.Port}"));
        (await service.ExecuteAsync("PUBLISH", "alerts", "x")).AsInt64().Should().Be(0, "nopass lets any password in and the channel is allowed");
    }

    [Fact]
    public async Task Acl_ServiceWithTasks_AllowsTheTaskStatesChannelsAndSchedules()
    {
        var file = Path.Combine(Path.GetTempPath(), $"herald-acl-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"user":"mailer","noPassword":true,"keyPrefix":"shop","publish":["queue:mail"],"consume":["queue:mail"],"tasks":true}""");
        try
        {
            var run = await HeraldTool.RunAsync("acl", file, "--json");

            run.ExitCode.Should().Be(0, run.ToString());
            using var json = JsonDocument.Parse(run.Output);
            var root = json.RootElement;
            root.GetProperty("keyPatterns").EnumerateArray().Select(k => k.GetString()).Should()
                .Contain("shop:{#task:*}:state").And.Contain("shop:{#rate:task:*}:tat").And.Contain("shop:{#schedules}:index");
            root.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should()
                .Equal("shop:{#task:*}:done", "shop:{#tasks}:control");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("""{"user":"svc","publish":["stream:a"]}""", "Password must be set")]
    [InlineData("""{"user":"svc","password":"p","publish":["a"]}""", "'a' is not a destination")]
    [InlineData("""{"user":"svc","password":"p","publish":["pattern:a*"]}""", "'pattern:a*' cannot be used here")]
    [InlineData("""{"user":"svc",""", "is not a valid service config (line 1")]
    public async Task Acl_BadServiceConfig_IsAUsageErrorSayingWhat(string config, string message)
    {
        await File.WriteAllTextAsync(_file, config);

        var run = await HeraldTool.RunAsync("acl", _file);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().Contain(message);
    }

    public void Dispose() => File.Delete(_file);

    private async Task<(string User, string Prefix)> WriteServiceAsync()
    {
        var user = "svc-" + Guid.NewGuid().ToString("N")[..8];
        var prefix = redis.NewPrefix().TrimEnd(':');
        await File.WriteAllTextAsync(_file, $$"""
            {
              "user": "{{user}}",
              "password": "ignored",
              "keyPrefix": "{{prefix}}",
              "publish": ["stream:payments", "channel:alerts"],
              "consume": ["stream:refunds", "queue:invoices"]
            }
            """);
        return (user, prefix);
    }
}
