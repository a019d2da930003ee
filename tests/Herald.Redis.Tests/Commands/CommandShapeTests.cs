using Herald.Redis.Commands;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Commands;

/// <summary>What the helpers put on the wire: arguments, the key cluster routing hashes, and the blocking flag and deadline.</summary>
public sealed class CommandShapeTests
{
    public static TheoryData<string, string, string?> Cases => new()
    {
        // name of the case, expected command text, expected routing key (null: no key)
        { "GET", "GET k", "k" },
        { "SET options", "SET k v PX 1500 NX", "k" },
        { "SET whole seconds GET", "SET k v EX 2 XX GET", "k" },
        { "SET KEEPTTL", "SET k v KEEPTTL", "k" },
        { "MGET", "MGET a b", "a" },
        { "MSET", "MSET a 1 b 2", "a" },
        { "EXPIRE seconds", "EXPIRE k 3 GT", "k" },
        { "PEXPIRE", "PEXPIRE k 250", "k" },
        { "MEMORY USAGE", "MEMORY USAGE k SAMPLES 0", "k" },
        { "ZADD flags", "ZADD k XX GT CH 1.5 m", "k" },
        { "ZRANGEBYSCORE", "ZRANGEBYSCORE k -inf +inf WITHSCORES LIMIT 0 10", "k" },
        { "XADD trim", "XADD s NOMKSTREAM MAXLEN ~ 1000 LIMIT 100 * f v", "s" },
        { "XADD minid exact", "XADD s MINID = 5-0 9-1 f v", "s" },
        { "XREADGROUP many", "XREADGROUP GROUP g c COUNT 5 NOACK STREAMS s1 s2 > 0", "s1" },
        { "XREAD", "XREAD COUNT 2 STREAMS s 0-0", "s" },
        { "XPENDING extended", "XPENDING s g IDLE 1000 - + 10 c", "s" },
        { "XCLAIM", "XCLAIM s g c 500 1-0 2-0 IDLE 0 RETRYCOUNT 3 FORCE JUSTID", "s" },
        { "XAUTOCLAIM", "XAUTOCLAIM s g c 500 0-0 COUNT 10", "s" },
        { "XGROUP CREATE", "XGROUP CREATE s g $ MKSTREAM ENTRIESREAD 0", "s" },
        { "XGROUP SETID", "XGROUP SETID s g 0 ENTRIESREAD 3", "s" },
        { "XINFO CONSUMERS", "XINFO CONSUMERS s g", "s" },
        { "XTRIM", "XTRIM s MINID ~ 5-0", "s" },
        { "SPUBLISH", "SPUBLISH ch m", "ch" },
        { "PUBLISH", "PUBLISH ch m", null },
        { "CLIENT KILL", "CLIENT KILL ID 7 TYPE pubsub SKIPME no", null },
        { "SCAN", "SCAN 0 MATCH p:* COUNT 100 TYPE stream", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Helper_Arguments_MatchCommandAndMarkKey(string name, string expected, string? key)
    {
        // SCAN is an iterator that reads its reply; the others are only recorded.
        var redis = new RecordingExecutor(name == "SCAN" ? RespValue.Array(RespValue.BulkString("0"), RespValue.EmptyArray) : null);

        await Run(redis, name);

        var command = redis.Last;
        command.ToString().Should().Be(expected);
        if (key is null)
        {
            command.KeyIndex.Should().Be(-1);
        }
        else
        {
            command.KeyIndex.Should().BeGreaterThanOrEqualTo(0);
            command[command.KeyIndex].ToString().Should().Be(key);
        }

        command.IsBlocking.Should().BeFalse();
    }

    [Fact]
    public async Task BlockingHelpers_Timeout_AreFlaggedWithServerWaitAsDeadline()
    {
        var redis = new RecordingExecutor();
        var wait = TimeSpan.FromMilliseconds(1500);

        await redis.ListBlockingMoveAsync("a", "b", ListSide.Right, ListSide.Left, wait);
        await redis.SortedSetBlockingPopMinAsync(["z1", "z2"], wait);
        await redis.StreamReadGroupAsync("s", "g", "c", block: wait);
        await redis.StreamReadAsync([new("s1", "0"), new("s2", "$")], block: TimeSpan.Zero);

        redis.Commands.Select(static c => c.ToString()).Should().Equal(
            "BLMOVE a b RIGHT LEFT 1.5",
            "BZPOPMIN z1 z2 1.5",
            "XREADGROUP GROUP g c BLOCK 1500 STREAMS s >",
            "XREAD BLOCK 0 STREAMS s1 s2 0 $");
        redis.Commands.Should().OnlyContain(static c => c.IsBlocking);
        redis.Commands.Take(3).Select(static c => c.Timeout).Should().OnlyContain(t => t == wait);
        redis.Commands[3].Timeout.Should().Be(Timeout.InfiniteTimeSpan, "BLOCK 0 waits without limit on the server");
        redis.Commands[3][redis.Commands[3].KeyIndex].ToString().Should().Be("s1");
    }

    [Fact]
    public void EmptyLists_AreRejectedBeforeSending()
    {
        var redis = new RecordingExecutor();

        FluentActions.Invoking(() => redis.KeyDeleteAsync(ReadOnlySpan<string>.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.StreamAcknowledgeAsync("s", "g", ReadOnlySpan<string>.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.StreamAddAsync("s", ReadOnlySpan<KeyValuePair<string, RedisArg>>.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.StreamReadAsync(ReadOnlySpan<StreamPosition>.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.SortedSetAddAsync("z", ReadOnlySpan<SortedSetEntry>.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.ClientKillAsync(default)).Should().Throw<ArgumentException>();
        redis.Commands.Should().BeEmpty();
    }

    [Fact]
    public void Options_Contradictions_AreRejected()
    {
        var redis = new RecordingExecutor();

        FluentActions.Invoking(() => redis.StringSetAsync("k", "v", new() { Expiry = TimeSpan.FromSeconds(1), KeepTtl = true }))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.StringSetAsync("k", "v", new() { Expiry = TimeSpan.Zero }))
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => StreamTrim.ToMaxLength(10, approximate: false, limit: 5)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.StreamTrimAsync("s", default)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => redis.ListLeftPopAsync("l", 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => redis.KeyExpireAsync("k", TimeSpan.FromSeconds(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static Task Run(IRedisExecutor redis, string name) => name switch
    {
        "GET" => redis.StringGetAsync("k").AsTask(),
        "SET options" => redis.StringSetAsync("k", "v", new() { Expiry = TimeSpan.FromMilliseconds(1500), Condition = SetCondition.NotExists }).AsTask(),
        "SET whole seconds GET" => redis.StringSetAndGetAsync("k", "v", new() { Expiry = TimeSpan.FromSeconds(2), Condition = SetCondition.Exists }).AsTask(),
        "SET KEEPTTL" => redis.StringSetAsync("k", "v", new() { KeepTtl = true }).AsTask(),
        "MGET" => redis.StringGetManyAsync(["a", "b"]).AsTask(),
        "MSET" => redis.StringSetManyAsync([new("a", 1), new("b", 2)]).AsTask(),
        "EXPIRE seconds" => redis.KeyExpireAsync("k", TimeSpan.FromSeconds(3), ExpireCondition.GreaterThan).AsTask(),
        "PEXPIRE" => redis.KeyExpireAsync("k", TimeSpan.FromMilliseconds(250)).AsTask(),
        "MEMORY USAGE" => redis.KeyMemoryUsageAsync("k", samples: 0).AsTask(),
        "ZADD flags" => redis.SortedSetAddAsync("k", "m", 1.5, SortedSetAddFlags.Exists | SortedSetAddFlags.GreaterThan | SortedSetAddFlags.Changed).AsTask(),
        "ZRANGEBYSCORE" => redis.SortedSetRangeByScoreWithScoresAsync("k", double.NegativeInfinity, double.PositiveInfinity, 0, 10).AsTask(),
        "XADD trim" => redis.StreamAddAsync("s", [new("f", "v")], new() { NoMakeStream = true, Trim = StreamTrim.ToMaxLength(1000, limit: 100) }).AsTask(),
        "XADD minid exact" => redis.StreamAddAsync("s", [new("f", "v")], new() { Id = "9-1", Trim = StreamTrim.ToMinId("5-0", approximate: false) }).AsTask(),
        "XREADGROUP many" => redis.StreamReadGroupAsync("g", "c", [new("s1", StreamId.Undelivered), new("s2", "0")], count: 5, noAck: true).AsTask(),
        "XREAD" => redis.StreamReadAsync("s", "0-0", count: 2).AsTask(),
        "XPENDING extended" => redis.StreamPendingEntriesAsync("s", "g", 10, consumer: "c", minIdle: TimeSpan.FromSeconds(1)).AsTask(),
        "XCLAIM" => redis.StreamClaimIdsAsync("s", "g", "c", TimeSpan.FromMilliseconds(500), ["1-0", "2-0"], new() { Idle = TimeSpan.Zero, RetryCount = 3, Force = true }).AsTask(),
        "XAUTOCLAIM" => redis.StreamAutoClaimAsync("s", "g", "c", TimeSpan.FromMilliseconds(500), count: 10).AsTask(),
        "XGROUP CREATE" => redis.StreamCreateGroupAsync("s", "g", makeStream: true, entriesRead: 0).AsTask(),
        "XGROUP SETID" => redis.StreamSetGroupIdAsync("s", "g", "0", entriesRead: 3).AsTask(),
        "XINFO CONSUMERS" => redis.StreamConsumersAsync("s", "g").AsTask(),
        "XTRIM" => redis.StreamTrimAsync("s", StreamTrim.ToMinId("5-0")).AsTask(),
        "SPUBLISH" => redis.ShardPublishAsync("ch", "m").AsTask(),
        "PUBLISH" => redis.PublishAsync("ch", "m").AsTask(),
        "CLIENT KILL" => redis.ClientKillAsync(new() { Id = 7, Type = ClientType.PubSub, SkipMe = false }).AsTask(),
        "SCAN" => redis.KeyScanAsync(new() { Pattern = "p:*", PageSize = 100, Type = RedisKeyType.Stream }).GetAsyncEnumerator().MoveNextAsync().AsTask(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
