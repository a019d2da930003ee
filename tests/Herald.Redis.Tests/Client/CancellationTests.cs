using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// A caller that gives up (cancellation or deadline) must not take a FIFO slot with it: its late reply is
/// read and discarded, so the callers behind it still receive their own replies.
/// </summary>
public sealed class CancellationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_CancelledWhileInFlight_LaterCallersGetTheirOwnReplies()
    {
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        var connectionId = await client.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64);

        // The server sleeps, so the cancelled ECHO is certainly still waiting for its reply when it is cancelled.
        var sleep = client.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "0.3"), RespParsers.String);
        using var cancellation = new CancellationTokenSource();
        var cancelled = client.ExecuteAsync(new RedisCommand("ECHO", "reply-of-the-cancelled-call"), RespParsers.String, cancellation.Token);
        var behind = client.EchoesOwnRepliesAsync(100, "behind");
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(async () => await cancelled).Should().ThrowAsync<OperationCanceledException>();
        await behind;
        (await sleep).Should().Be("OK");
        await client.EchoesOwnRepliesAsync(100, "after");
        (await client.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64)).Should().Be(connectionId, "a cancellation never costs the connection");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_TimedOutWhileRepliesStillArrive_KeepsSlotAndConnection()
    {
        var prefix = redis.NewPrefix();
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ClientOptions.ConnectAsync(proxy.Port);
        var connectionId = await client.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64);
        var big = new string('b', 64 * 1024);
        await client.ExecuteAsync(new RedisCommand("SET", prefix + "big", big).WithKey(), RespParsers.String);

        // The big reply trickles in for seconds: bytes keep arriving while the ECHO behind it times out,
        // so the connection is alive and must keep the timed-out command's slot rather than be dropped.
        proxy.SliceSize = 256;
        proxy.Latency = TimeSpan.FromMilliseconds(10);
        var slow = client.ExecuteAsync(new RedisCommand("GET", prefix + "big").WithKey(), RespParsers.String);
        var timedOut = client.ExecuteAsync(new RedisCommand("ECHO", "reply-of-the-timed-out-call").WithTimeout(TimeSpan.FromMilliseconds(200)), RespParsers.String);

        var timeout = (await FluentActions.Awaiting(async () => await timedOut).Should().ThrowAsync<RedisTimeoutException>()).Which;
        timeout.MayHaveExecuted.Should().BeTrue("the ECHO was written before its deadline passed");
        slow.IsCompleted.Should().BeFalse("the test needs the timeout to happen while the big reply is still arriving");
        var behind = client.EchoesOwnRepliesAsync(20, "behind");
        proxy.Heal();

        (await slow).Should().Be(big);
        await behind;
        (await client.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64)).Should().Be(connectionId, "a live connection is not dropped for one timeout");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_TimedOutOnSilentConnection_DeclaresItDeadAndLaterCallersGetTheirOwnReplies()
    {
        await using var client = await ClientOptions.ConnectAsync(redis.Url);

        // Nothing at all is read while the ECHO's short deadline passes: the connection counts as dead.
        var sleep = client.ExecuteAsync(new RedisCommand("DEBUG", "SLEEP", "2"), RespParsers.String);
        var timedOut = client.ExecuteAsync(new RedisCommand("ECHO", "reply-of-the-timed-out-call").WithTimeout(TimeSpan.FromMilliseconds(200)), RespParsers.String);

        var timeout = (await FluentActions.Awaiting(async () => await timedOut).Should().ThrowAsync<RedisTimeoutException>()).Which;
        timeout.MayHaveExecuted.Should().BeTrue();
        var lost = (await FluentActions.Awaiting(async () => await sleep).Should().ThrowAsync<RedisConnectionException>()).Which;
        lost.Failure.Should().Be(RedisConnectionFailure.ConnectionLost);
        lost.MayHaveExecuted.Should().BeTrue();
        await client.EchoesOwnRepliesAsync(100, "after");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_CancelledOrExpiredWhileBacklogged_IsNeverSentButOthersAreAfterReconnect()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = await ClientOptions.ConnectAsync(server.Url);
        await server.StopAsync();
        await Wait.UntilAsync(() => !client.IsConnected, because: "the client notices the server is gone");

        using var cancellation = new CancellationTokenSource();
        var cancelled = client.ExecuteAsync(new RedisCommand("INCR", "cancelled").WithKey(), RespParsers.Int64, cancellation.Token);
        var expired = client.ExecuteAsync(new RedisCommand("INCR", "expired").WithKey().WithTimeout(TimeSpan.FromMilliseconds(300)), RespParsers.Int64);
        var kept = client.ExecuteAsync(new RedisCommand("INCR", "kept").WithKey(), RespParsers.Int64);
        client.BacklogCount.Should().Be(3, "all three wait for a connection");
        await cancellation.CancelAsync();
        await FluentActions.Awaiting(async () => await cancelled).Should().ThrowAsync<OperationCanceledException>();
        var timeout = (await FluentActions.Awaiting(async () => await expired).Should().ThrowAsync<RedisTimeoutException>()).Which;
        timeout.MayHaveExecuted.Should().BeFalse("it never left the backlog");

        await server.RestartAsync();

        (await kept).Should().Be(1, "a backlogged command is sent after the reconnect");
        (await client.ExecuteAsync(new RedisCommand("EXISTS", "cancelled", "expired").WithKey(), RespParsers.Int64)).Should().Be(0, "neither the cancelled nor the expired command was sent");
        client.BacklogCount.Should().Be(0);
    }
}
