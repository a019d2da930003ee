using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class SortedSetCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetAddAsync_Flags_ApplyAsRedisSays(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.SortedSetAddAsync(key, [new("a", 1), new("b", 2)])).Should().Be(2);
        (await redis.SortedSetAddAsync(key, "a", 5, SortedSetAddFlags.NotExists)).Should().Be(0);
        (await redis.SortedSetAddAsync(key, "c", 3, SortedSetAddFlags.Exists)).Should().Be(0);
        (await redis.SortedSetAddAsync(key, "a", 0.5, SortedSetAddFlags.GreaterThan | SortedSetAddFlags.Changed)).Should().Be(0);
        (await redis.SortedSetAddAsync(key, "a", 0.5, SortedSetAddFlags.LessThan | SortedSetAddFlags.Changed)).Should().Be(1);

        (await redis.SortedSetScoreAsync(key, "a")).Should().Be(0.5);
        (await redis.SortedSetScoreAsync(key, "c")).Should().BeNull();
        (await redis.SortedSetLengthAsync(key)).Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetAddAsync_ContradictoryFlags_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        await ShouldFailAsync(() => redis.SortedSetAddAsync(NewKey(), "a", 1, SortedSetAddFlags.NotExists | SortedSetAddFlags.GreaterThan), RedisErrorKind.Generic);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetScoreAsync_Infinity_IsRead(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.SortedSetAddAsync(key, [new("low", double.NegativeInfinity), new("high", double.PositiveInfinity), new("pi", 3.14159)]);

        (await redis.SortedSetScoreAsync(key, "low")).Should().Be(double.NegativeInfinity);
        (await redis.SortedSetScoreAsync(key, "high")).Should().Be(double.PositiveInfinity);
        (await redis.SortedSetScoreAsync(key, "pi")).Should().Be(3.14159);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetRangeByScoreAsync_LimitAndScores_ReadsPairsOnBothProtocols(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.SortedSetAddAsync(key, [new("a", 1), new("b", 2.5), new("c", 3), new("d", 4)]);

        (await redis.SortedSetRangeByScoreAsync(key, 2, 4)).Should().Equal("b", "c", "d");
        (await redis.SortedSetRangeByScoreAsync(key, double.NegativeInfinity, double.PositiveInfinity, offset: 1, count: 2)).Should().Equal("b", "c");
        (await redis.SortedSetRangeByScoreWithScoresAsync(key, 2, double.PositiveInfinity, offset: 1))
            .Should().Equal(new SortedSetEntry("c", 3), new SortedSetEntry("d", 4));
        (await redis.SortedSetRangeByScoreWithScoresAsync(key, 0, 2.5, count: 5))
            .Should().Equal(new SortedSetEntry("a", 1), new SortedSetEntry("b", 2.5));
        (await redis.SortedSetRangeByScoreWithScoresAsync(key, 10, 20)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetCountAsync_Range_CountsInclusive(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.SortedSetAddAsync(key, [new("a", 1), new("b", 2), new("c", 3)]);

        (await redis.SortedSetCountAsync(key)).Should().Be(3);
        (await redis.SortedSetCountAsync(key, 2, 3)).Should().Be(2);
        (await redis.SortedSetCountAsync(NewKey("missing"))).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetRemoveAsync_SomeExisting_CountsRemoved(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.SortedSetAddAsync(key, [new("a", 1), new("b", 2)]);

        (await redis.SortedSetRemoveAsync(key, ["a", "zzz"])).Should().Be(1);
        (await redis.SortedSetRangeByScoreAsync(key, double.NegativeInfinity, double.PositiveInfinity)).Should().Equal("b");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetPopMinAsync_OneAndMany_ReadsFlatAndNestedShapes(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.SortedSetAddAsync(key, [new("a", 1), new("b", 2), new("c", 3)]);

        (await redis.SortedSetPopMinAsync(key)).Should().Equal(new SortedSetEntry("a", 1));
        (await redis.SortedSetPopMinAsync(key, 5)).Should().Equal(new SortedSetEntry("b", 2), new SortedSetEntry("c", 3));
        (await redis.SortedSetPopMinAsync(key)).Should().BeEmpty();
        (await redis.SortedSetPopMinAsync(key, 2)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetBlockingPopMinAsync_EmptySets_TimesOutWithNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();

        (await lease.SortedSetBlockingPopMinAsync([NewKey("a"), NewKey("b")], ShortBlock)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetBlockingPopMinAsync_MemberInSecondKey_ReturnsKeyAndEntry(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var first = NewKey("a");
        var second = NewKey("b");
        await redis.SortedSetAddAsync(second, [new("m", 2.5), new("n", 7)]);

        var popped = await lease.SortedSetBlockingPopMinAsync([first, second], TimeSpan.FromSeconds(5));

        popped.Should().Be(new SortedSetPopResult(second, new("m", 2.5)));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task SortedSetScoreAsync_WrongType_ThrowsWrongType(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        await ShouldFailAsync(() => redis.SortedSetScoreAsync(key, "m"), RedisErrorKind.WrongType);
    }
}
