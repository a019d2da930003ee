using System.Runtime.CompilerServices;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

/// <summary>
/// Runs command helpers against the class's own redis-server on both protocols. Each test connects a
/// client with the protocol under test and asserts that it was really negotiated, so a RESP3 test never
/// silently runs on RESP2.
/// </summary>
public abstract class CommandTestBase : IClassFixture<RedisFixture>
{
    protected CommandTestBase(RedisFixture fixture) => Fixture = fixture;

    public static TheoryData<RedisProtocol> Protocols => new() { RedisProtocol.Resp2, RedisProtocol.Resp3 };

    protected RedisFixture Fixture { get; }

    /// <summary>A short server-side wait for blocking commands that are expected to time out.</summary>
    protected static TimeSpan ShortBlock => TimeSpan.FromMilliseconds(50);

    protected async Task<RedisClient> ConnectAsync(RedisProtocol protocol, int database = 0)
    {
        var options = RedisOptions.Parse(Fixture.Url);
        options.Protocol = protocol;
        options.Database = database;
        var client = await RedisClient.ConnectAsync(options);
        client.ProtocolVersion.Should().Be(protocol == RedisProtocol.Resp2 ? 2 : 3);
        return client;
    }

    /// <summary>Asserts that <paramref name="call"/> fails with a server error of <paramref name="kind"/>.</summary>
    protected static async Task<RedisServerException> ShouldFailAsync<T>(Func<ValueTask<T>> call, RedisErrorKind kind)
    {
        var error = await FluentActions.Awaiting(async () => await call()).Should().ThrowAsync<RedisServerException>();
        error.Which.Kind.Should().Be(kind);
        return error.Which;
    }

    /// <summary>Adds entries <c>1-0</c> … <c>count-0</c>, each with a field <c>n</c> holding its number.</summary>
    protected static async Task AddNumberedEntriesAsync(IRedisExecutor redis, string key, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await redis.StreamAddAsync(key, [new("n", i)], new() { Id = $"{i}-0" });
        }
    }

    /// <summary>A key no other test uses.</summary>
    protected string NewKey(string suffix = "k", [CallerMemberName] string test = "") => Fixture.NewPrefix(test) + suffix;
}
