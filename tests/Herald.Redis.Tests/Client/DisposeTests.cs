using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>Disposing the client answers every caller still waiting, whether its command was written or not.</summary>
public sealed class DisposeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task DisposeAsync_CommandsInFlight_FailWithDisposedAsMayHaveExecuted()
    {
        var client = await ClientOptions.ConnectAsync(redis.Url);
        var sleep = client.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "0.5"), RespParsers.String).AsTask();
        var written = client.CurrentConnection!.WrittenCount;
        var behind = client.ExecuteAsync(new RedisCommand("ECHO", "behind"), RespParsers.String).AsTask();

        // A command queued behind one in flight is flushed a moment later, with whatever else arrives.
        await Wait.UntilAsync(() => client.CurrentConnection!.WrittenCount > written, because: "both commands reach the socket");
        await client.DisposeAsync();

        foreach (var call in new[] { sleep, behind })
        {
            var disposed = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<RedisConnectionException>()).Which;
            disposed.Failure.Should().Be(RedisConnectionFailure.Disposed);
            disposed.MayHaveExecuted.Should().BeTrue();
        }

        FluentActions.Invoking(() => client.ExecuteAsync(new RedisCommand("PING"), RespParsers.String)).Should().Throw<ObjectDisposedException>();
    }

    [Fact(Timeout = 60_000)]
    public async Task DisposeAsync_CommandsBacklogged_FailWithDisposedAsNeverSent()
    {
        await using var server = await RedisServer.StartAsync();
        var client = await ClientOptions.ConnectAsync(server.Url);
        await server.StopAsync();
        await Wait.UntilAsync(() => !client.IsConnected, because: "the client notices the server is gone");
        var waiting = client.ExecuteAsync(new RedisCommand("PING"), RespParsers.String).AsTask();

        await client.DisposeAsync();

        var disposed = (await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<RedisConnectionException>()).Which;
        disposed.Failure.Should().Be(RedisConnectionFailure.Disposed);
        disposed.MayHaveExecuted.Should().BeFalse();
    }
}
