using Herald.Redis.Scripting;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>Scripts run by SHA survive a flushed (or restarted) script cache.</summary>
public sealed class ScriptTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly LuaScript s_increment = new("return redis.call('INCRBY', KEYS[1], ARGV[1])", "increment");

    [Fact]
    public void FromResource_MissingResource_SaysWhichAndWhere()
    {
        var load = () => LuaScript.FromResource(typeof(LuaScript).Assembly, "No.Such.Script.lua", "none");

        load.Should().Throw<InvalidOperationException>().WithMessage("*No.Such.Script.lua*Herald.Redis*");
    }

    [Fact(Timeout = 60_000)]
    public async Task EvaluateAsync_AfterScriptFlush_FallsBackToEvalAndEvalShaWorksAgain()
    {
        var key = redis.NewPrefix() + "counter";
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await client.LoadAsync(s_increment);
        (await EvalShaAsync(client, key)).Should().Be(1);

        await client.ExecuteAsync(new RedisCommand("SCRIPT", "FLUSH"), RespParsers.String);
        var missing = (await FluentActions.Awaiting(async () => await EvalShaAsync(client, key)).Should().ThrowAsync<RedisServerException>()).Which;
        missing.Kind.Should().Be(RedisErrorKind.NoScript, "the flush emptied the cache");

        (await client.EvaluateAsync(s_increment, [key], [1], RespParsers.Int64)).Should().Be(2, "NOSCRIPT falls back to EVAL");
        (await EvalShaAsync(client, key)).Should().Be(3, "the EVAL fallback cached the script again");
        (await client.EvaluateAsync(s_increment, [key], [1], RespParsers.Int64)).Should().Be(4);
    }

    private static ValueTask<long> EvalShaAsync(RedisClient client, string key) =>
        client.ExecuteAsync(new RedisCommand("EVALSHA", s_increment.Sha1, 1, key, 1).WithKey(2), RespParsers.Int64);
}
