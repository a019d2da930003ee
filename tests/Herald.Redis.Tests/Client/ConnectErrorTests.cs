using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>A failed connect says what went wrong and where, within the connect timeout.</summary>
public sealed class ConnectErrorTests
{
    [Fact(Timeout = 60_000)]
    public async Task ConnectAsync_PortRefused_ThrowsConnectFailedNamingTheEndpoint()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();

        var error = (await FluentActions.Awaiting(async () => await ClientOptions.ConnectAsync(port, static o => o.ConnectTimeout = TimeSpan.FromSeconds(5)))
            .Should().ThrowAsync<RedisConnectionException>()).Which;

        error.Failure.Should().Be(RedisConnectionFailure.ConnectFailed);
        error.MayHaveExecuted.Should().BeFalse();
        error.Message.Should().Contain($"127.0.0.1:{port}");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a refused port fails at once");
    }

    [Fact(Timeout = 60_000)]
    public async Task ConnectAsync_ServerNeverAnswersHandshake_ThrowsConnectFailedAfterConnectTimeout()
    {
        await using var server = FakeRespServer.Start(static _ => FakeReply.Nothing);
        var clock = Stopwatch.StartNew();

        var error = (await FluentActions.Awaiting(async () => await ClientOptions.ConnectAsync(server.Port, static o => o.ConnectTimeout = TimeSpan.FromSeconds(1)))
            .Should().ThrowAsync<RedisConnectionException>()).Which;

        error.Failure.Should().Be(RedisConnectionFailure.ConnectFailed);
        error.Message.Should().Contain($"127.0.0.1:{server.Port}").And.Contain("timed out");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)).And.BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact(Timeout = 60_000)]
    public async Task ConnectAsync_WrongPasswordOnRealServer_ThrowsAuthenticationErrorAtOnce()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = "right" });
        var clock = Stopwatch.StartNew();

        await FluentActions.Awaiting(async () => await ClientOptions.ConnectAsync(server.Url, static o => o.Password = "wrong"))
            .Should().ThrowAsync<RedisAuthenticationException>();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a refusal is reported as such, not after the 10 s connect timeout");
        await using var client = await ClientOptions.ConnectAsync(server.Url, static o => o.Password = "right");
        await client.EchoesOwnRepliesAsync(5, "authenticated");
    }
}
