using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// The server goes away and comes back: commands resume without the caller doing anything, and while it
/// is away the backlog of waiting commands stays bounded.
/// </summary>
public sealed class RestartTests
{
    [Fact(Timeout = 90_000)]
    public async Task ExecuteAsync_ServerRestarts_CommandsResumeByThemselves()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = await ClientOptions.ConnectAsync(server.Url);
        await client.EchoesOwnRepliesAsync(10, "before");

        await server.RestartAsync();

        // Whether the client has noticed yet or not, the call is sent on the old connection's successor.
        await client.EchoesOwnRepliesAsync(10, "after-restart");

        await server.StopAsync();
        await Wait.UntilAsync(() => !client.IsConnected, because: "the client notices the server is gone");
        var waiting = client.ExecuteAsync(new RedisCommand("SET", "while-down", "v").WithKey(), RespParsers.String).AsTask();
        await server.RestartAsync();

        (await waiting).Should().Be("OK", "a command issued during the outage is sent after the reconnect");
        (await client.ExecuteAsync(new RedisCommand("GET", "while-down").WithKey(), RespParsers.String)).Should().Be("v");
        await Wait.UntilAsync(
            async () => (await client.ClientListAsync()).Count(c => c.GetValueOrDefault("name") == "herald") == 1,
            because: "the client ends up with exactly one connection");
    }

    [Fact(Timeout = 90_000)]
    public async Task ExecuteAsync_BacklogFull_ExcessCallsFailFastWithBacklogFull()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = await ClientOptions.ConnectAsync(server.Url, static o => o.BacklogLimit = 4);
        await server.StopAsync();
        await Wait.UntilAsync(() => !client.IsConnected, because: "the client notices the server is gone");

        var waiting = Enumerable.Range(0, 4)
            .Select(i => client.ExecuteAsync(new RedisCommand("SET", $"k{i}", i).WithKey(), RespParsers.String).AsTask())
            .ToArray();
        var excess = client.ExecuteAsync(new RedisCommand("SET", "excess", 1).WithKey(), RespParsers.String).AsTask();

        excess.IsCompleted.Should().BeTrue("a call beyond the backlog limit fails at once, it does not wait");
        var full = (await FluentActions.Awaiting(() => excess).Should().ThrowAsync<RedisConnectionException>()).Which;
        full.Failure.Should().Be(RedisConnectionFailure.BacklogFull);
        full.MayHaveExecuted.Should().BeFalse();
        client.BacklogCount.Should().Be(4);

        await server.RestartAsync();

        (await Task.WhenAll(waiting)).Should().AllBe("OK", "the backlog is sent after the reconnect");
        (await client.ExecuteAsync(new RedisCommand("EXISTS", "excess").WithKey(), RespParsers.Int64)).Should().Be(0, "the rejected call never ran");
    }
}
