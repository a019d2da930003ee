using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>A value far larger than any buffer, in both directions, and the reply framing after it.</summary>
public sealed class LargeValueTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task ExecuteAsync_SixtyFourMegabyteValue_RoundTripsAndNextCallerGetsItsOwnReply()
    {
        var key = redis.NewPrefix() + "large";
        await using var client = await ClientOptions.ConnectAsync(redis.Url, static o => o.CommandTimeout = TimeSpan.FromSeconds(60));
        var value = new byte[64 * 1024 * 1024];
        new Random(64).NextBytes(value);

        (await client.ExecuteAsync(new RedisCommand("SET", key, value).WithKey(), RespParsers.String)).Should().Be("OK");
        var get = client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.Bytes).AsTask();
        var behind = client.ExecuteAsync(new RedisCommand("ECHO", "small"), RespParsers.String).AsTask();

        var read = await get;
        read!.Length.Should().Be(value.Length);
        read.AsSpan().SequenceEqual(value).Should().BeTrue("the value comes back byte for byte");
        (await behind).Should().Be("small");
        (await client.ExecuteAsync(new RedisCommand("STRLEN", key).WithKey(), RespParsers.Int64)).Should().Be(value.Length);
    }
}
