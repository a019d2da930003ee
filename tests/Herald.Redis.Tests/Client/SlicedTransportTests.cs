using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>Every reply type, split into one-byte segments on the way: the parser resumes wherever a segment ends.</summary>
public sealed class SlicedTransportTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory(Timeout = 120_000)]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task ExecuteAsync_RepliesInOneByteSegments_EveryCallerGetsItsOwnReply(RedisProtocol protocol)
    {
        var prefix = redis.NewPrefix();
        await using var proxy = await redis.StartProxyAsync();
        proxy.SliceSize = 1;
        await using var client = await ClientOptions.ConnectAsync(proxy.Port, o => o.Protocol = protocol);
        client.ProtocolVersion.Should().Be(protocol == RedisProtocol.Resp3 ? 3 : 2);
        var value = string.Concat(Enumerable.Repeat("0123456789", 30));

        (await client.ExecuteAsync(new RedisCommand("SET", prefix + "s", value).WithKey(), RespParsers.String)).Should().Be("OK");
        (await client.ExecuteAsync(new RedisCommand("GET", prefix + "s").WithKey(), RespParsers.String)).Should().Be(value);
        (await client.ExecuteAsync(new RedisCommand("GET", prefix + "missing").WithKey(), RespParsers.String)).Should().BeNull();
        (await client.ExecuteAsync(new RedisCommand("RPUSH", prefix + "l", "a", "b", "c").WithKey(), RespParsers.Int64)).Should().Be(3);
        (await client.ExecuteAsync(new RedisCommand("LRANGE", prefix + "l", 0, -1).WithKey(), RespParsers.Value)).Items.Select(static v => v.AsString()).Should().Equal("a", "b", "c");
        await client.ExecuteAsync(new RedisCommand("HSET", prefix + "h", "f1", "v1", "f2", "v2").WithKey(), RespParsers.Int64);
        (await client.ExecuteAsync(new RedisCommand("HGETALL", prefix + "h").WithKey(), RespParsers.Value)).AsPairs()
            .ToDictionary(static p => p.Key.AsString()!, static p => p.Value.AsString()).Should().BeEquivalentTo(new Dictionary<string, string?> { ["f1"] = "v1", ["f2"] = "v2" });
        (await client.ExecuteAsync(new RedisCommand("ZADD", prefix + "z", 1.5, "m").WithKey(), RespParsers.Int64)).Should().Be(1);
        (await client.ExecuteAsync(new RedisCommand("ZSCORE", prefix + "z", "m").WithKey(), RespParsers.NullableDouble)).Should().Be(1.5);
        await FluentActions.Awaiting(async () => await client.ExecuteAsync(new RedisCommand("INCR", prefix + "s").WithKey(), RespParsers.Int64))
            .Should().ThrowAsync<RedisServerException>();
        await client.EchoesOwnRepliesAsync(50, "sliced");
    }
}
