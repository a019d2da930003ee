using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// A network partition (the proxy keeps the sockets open and drops every byte): commands time out, the
/// silent connection is declared dead, and the client reconnects once the network heals. An idle
/// connection is caught by the heartbeat.
/// </summary>
public sealed class BlackholeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 90_000)]
    public async Task ExecuteAsync_Blackholed_TimesOutDeclaresDeadAndRecoversAfterHeal()
    {
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ConnectAsync(proxy, heartbeat: null);

        proxy.Blackhole();
        var calls = Enumerable.Range(0, 10).Select(i => client.ExecuteAsync(new RedisCommand("ECHO", $"lost:{i}"), RespParsers.String).AsTask()).ToArray();

        foreach (var call in calls)
        {
            var timeout = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<RedisTimeoutException>()).Which;
            timeout.MayHaveExecuted.Should().BeTrue();
        }

        await Wait.UntilAsync(() => !client.IsConnected, because: "a connection that read nothing while commands timed out is dead");
        proxy.Heal();
        await Wait.UntilAsync(() => client.IsConnected, TimeSpan.FromSeconds(30), "the client reconnects once the network heals");
        await client.EchoesOwnRepliesAsync(50, "healed");
    }

    [Fact(Timeout = 90_000)]
    public async Task Heartbeat_IdleBlackholedConnection_IsDetectedAndReplaced()
    {
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ConnectAsync(proxy, heartbeat: TimeSpan.FromMilliseconds(200));

        // No command is issued: only the heartbeat can notice the partition.
        proxy.Blackhole();
        await Wait.UntilAsync(() => !client.IsConnected, TimeSpan.FromSeconds(30), "the heartbeat's PING times out with nothing read");

        proxy.Heal();
        await Wait.UntilAsync(() => client.IsConnected, TimeSpan.FromSeconds(30), "the client reconnects once the network heals");
        await client.EchoesOwnRepliesAsync(50, "healed");
    }

    // Short deadlines, so that a partition is noticed within a test's time.
    private static async Task<RedisClient> ConnectAsync(FaultProxy proxy, TimeSpan? heartbeat)
    {
        var client = await ClientOptions.ConnectAsync(proxy.Port, o =>
        {
            o.CommandTimeout = TimeSpan.FromSeconds(1);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = heartbeat ?? o.HeartbeatInterval;
        });
        await client.EchoesOwnRepliesAsync(10, "before");
        return client;
    }
}
