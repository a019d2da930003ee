using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>A batch is one unit on the wire: its commands arrive together, in order, and each gets its reply.</summary>
public sealed class BatchTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task Send_WhileOtherCallersShareTheConnection_ServerSeesTheBatchInOrderAndUnbroken()
    {
        var list = redis.NewPrefix() + "list";
        await using var monitor = await MonitorSession.StartAsync(redis.Server.Host, redis.Server.Port);
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        using var stop = new CancellationTokenSource();
        var noise = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.EchoesOwnRepliesAsync(4, $"noise-{n}");
            }
        })).ToArray();

        var batch = client.CreateBatch();
        var pushes = Enumerable.Range(1, 50)
            .Select(i => batch.ExecuteAsync(new RedisCommand("RPUSH", list, i).WithKey(), RespParsers.Int64).AsTask())
            .ToArray();
        var range = batch.ExecuteAsync(new RedisCommand("LRANGE", list, 0, -1).WithKey(), RespParsers.Value).AsTask();
        batch.Count.Should().Be(51);
        batch.Send();

        (await Task.WhenAll(pushes)).Should().Equal(Enumerable.Range(1, 50).Select(static i => (long)i), "each reply goes to its own command, in order");
        (await range).Items.Select(static v => v.AsString()).Should().Equal(Enumerable.Range(1, 50).Select(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await stop.CancelAsync();
        await Task.WhenAll(noise);

        await Wait.UntilAsync(() => monitor.Commands.Any(c => c[0] == "LRANGE" && c[1] == list), because: "MONITOR has seen the whole batch");
        var seen = monitor.Commands.ToList();
        var first = seen.FindIndex(c => c[0] == "RPUSH" && c[1] == list);
        seen.Skip(first).Take(51).Select(static c => string.Join(' ', c)).Should().Equal(
            [.. Enumerable.Range(1, 50).Select(i => $"RPUSH {list} {i}"), $"LRANGE {list} 0 -1"],
            "the batch is written as one unit: no other caller's command lands inside it");
    }

    [Fact(Timeout = 60_000)]
    public async Task Send_ErrorReplyInTheMiddle_FailsOnlyThatCommand()
    {
        var prefix = redis.NewPrefix();
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await client.ExecuteAsync(new RedisCommand("SET", prefix + "text", "not a number").WithKey(), RespParsers.String);
        var batch = client.CreateBatch();
        var before = batch.ExecuteAsync(new RedisCommand("ECHO", "before"), RespParsers.String).AsTask();
        var failing = batch.ExecuteAsync(new RedisCommand("INCR", prefix + "text").WithKey(), RespParsers.Int64).AsTask();
        var after = batch.ExecuteAsync(new RedisCommand("ECHO", "after"), RespParsers.String).AsTask();
        batch.Send();

        (await before).Should().Be("before");
        await FluentActions.Awaiting(() => failing).Should().ThrowAsync<RedisServerException>();
        (await after).Should().Be("after");
    }
}
