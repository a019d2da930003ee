using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>The network cuts the connection (a reset, or a close in the middle of a reply): nobody hangs, nobody gets a wrong reply.</summary>
public sealed class ConnectionResetTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_ConnectionReset_InFlightCallsFailAndClientReconnects()
    {
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ClientOptions.ConnectAsync(proxy.Port);
        proxy.Latency = TimeSpan.FromMilliseconds(500);
        var calls = Enumerable.Range(0, 200).Select(i => client.ExecuteAsync(new RedisCommand("ECHO", $"in-flight:{i}"), RespParsers.String).AsTask()).ToArray();

        proxy.ResetAll();
        proxy.Heal();

        var all = Task.WhenAll(calls);
        (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)))).Should().BeSameAs(all, "no call may hang");
        calls.Should().Contain(static c => c.IsFaulted, "the reset caught commands in flight");
        for (var i = 0; i < calls.Length; i++)
        {
            if (calls[i].IsFaulted)
            {
                calls[i].Exception!.InnerException.Should().BeOfType<RedisConnectionException>().Which.Failure.Should().Be(RedisConnectionFailure.ConnectionLost);
            }
            else
            {
                (await calls[i]).Should().Be($"in-flight:{i}");
            }
        }

        await client.EchoesOwnRepliesAsync(50, "after-reset");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_ReplyCutMidFrame_FailsAsConnectionLostAndClientRecovers()
    {
        var key = redis.NewPrefix() + "large";
        var value = new string('v', 100_000);
        await using var proxy = await redis.StartProxyAsync();
        await using var client = await ClientOptions.ConnectAsync(proxy.Port);
        await client.ExecuteAsync(new RedisCommand("SET", key, value).WithKey(), RespParsers.String);

        proxy.CloseAfterBytes(1_000);
        var cut = client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String).AsTask();

        var lost = (await FluentActions.Awaiting(() => cut).Should().ThrowAsync<RedisConnectionException>()).Which;
        lost.Failure.Should().Be(RedisConnectionFailure.ConnectionLost);
        lost.MayHaveExecuted.Should().BeTrue();
        proxy.Heal();
        (await client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String)).Should().Be(value);
        await client.EchoesOwnRepliesAsync(20, "after-cut");
    }
}
