using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class KeyCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyDeleteAsync_SomeExisting_CountsDeleted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var prefix = Fixture.NewPrefix();
        await redis.StringSetManyAsync([new(prefix + "a", 1), new(prefix + "b", 2), new(prefix + "c", 3)]);

        (await redis.KeyDeleteAsync(prefix + "a")).Should().BeTrue();
        (await redis.KeyDeleteAsync(prefix + "a")).Should().BeFalse();
        (await redis.KeyDeleteAsync([prefix + "a", prefix + "b"])).Should().Be(1);
        (await redis.KeyUnlinkAsync([prefix + "c", prefix + "missing"])).Should().Be(1);
        (await redis.KeyExistsAsync([prefix + "a", prefix + "b", prefix + "c"])).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyExistsAsync_KeyNamedTwice_CountsTwice(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        (await redis.KeyExistsAsync(key)).Should().BeTrue();
        (await redis.KeyExistsAsync([key, key, NewKey("missing")])).Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyExpireAsync_Conditions_ApplyAsRedisSays(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        (await redis.KeyExpireAsync(key, TimeSpan.FromSeconds(100), ExpireCondition.HasExpiry)).Should().BeFalse();
        (await redis.KeyExpireAsync(key, TimeSpan.FromSeconds(100), ExpireCondition.HasNoExpiry)).Should().BeTrue();
        (await redis.KeyExpireAsync(key, TimeSpan.FromSeconds(50), ExpireCondition.GreaterThan)).Should().BeFalse();
        (await redis.KeyExpireAsync(key, TimeSpan.FromMilliseconds(50_500), ExpireCondition.LessThan)).Should().BeTrue();
        (await redis.KeyTimeToLiveAsync(key)).Should().BeCloseTo(TimeSpan.FromMilliseconds(50_500), TimeSpan.FromSeconds(5));
        (await redis.KeyTimeToLiveSecondsAsync(key)).Should().BeInRange(45, 51);
        (await redis.KeyExpireAsync(NewKey("missing"), TimeSpan.FromSeconds(1))).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyTimeToLiveAsync_NoExpiryOrMissing_ReturnsNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        (await redis.KeyTimeToLiveAsync(key)).Should().BeNull();
        (await redis.KeyTimeToLiveAsync(NewKey("missing"))).Should().BeNull();
        (await redis.KeyTimeToLiveSecondsAsync(key)).Should().Be(-1);
        (await redis.KeyTimeToLiveSecondsAsync(NewKey("missing"))).Should().Be(-2);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyTypeAsync_EachType_IsReported(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var prefix = Fixture.NewPrefix();
        await redis.StringSetAsync(prefix + "string", "v");
        await redis.ListRightPushAsync(prefix + "list", "v");
        await redis.HashSetAsync(prefix + "hash", "f", "v");
        await redis.SortedSetAddAsync(prefix + "zset", "m", 1);
        await redis.StreamAddAsync(prefix + "stream", [new("f", "v")]);
        await redis.ExecuteAsync("SADD", prefix + "set", "m");

        (await redis.KeyTypeAsync(prefix + "string")).Should().Be(RedisKeyType.String);
        (await redis.KeyTypeAsync(prefix + "list")).Should().Be(RedisKeyType.List);
        (await redis.KeyTypeAsync(prefix + "hash")).Should().Be(RedisKeyType.Hash);
        (await redis.KeyTypeAsync(prefix + "zset")).Should().Be(RedisKeyType.SortedSet);
        (await redis.KeyTypeAsync(prefix + "stream")).Should().Be(RedisKeyType.Stream);
        (await redis.KeyTypeAsync(prefix + "set")).Should().Be(RedisKeyType.Set);
        (await redis.KeyTypeAsync(prefix + "missing")).Should().Be(RedisKeyType.None);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyRenameAsync_ExistingKey_MovesValue(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var from = NewKey("from");
        var to = NewKey("to");
        await redis.StringSetAsync(from, "v");

        (await redis.KeyRenameAsync(from, to)).Should().BeTrue();

        (await redis.StringGetAsync(to)).Should().Be("v");
        (await redis.KeyExistsAsync(from)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyRenameAsync_MissingKey_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await ShouldFailAsync(() => redis.KeyRenameAsync(NewKey("from"), NewKey("to")), RedisErrorKind.Generic)).Message.Should().Contain("no such key");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyScanAsync_PatternAndType_FindsExactlyTheMatchingKeys(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var prefix = Fixture.NewPrefix();
        var strings = Enumerable.Range(0, 25).Select(i => $"{prefix}s{i}").ToArray();
        foreach (var key in strings)
        {
            await redis.StringSetAsync(key, "v");
        }

        await redis.StreamAddAsync(prefix + "stream", [new("f", "v")]);

        var all = await Collect(redis.KeyScanAsync(new() { Pattern = prefix + "*", PageSize = 5 }));
        var streams = await Collect(redis.KeyScanAsync(new() { Pattern = prefix + "*", Type = RedisKeyType.Stream }));

        all.Should().BeEquivalentTo([.. strings, prefix + "stream"]);
        streams.Should().Equal(prefix + "stream");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task KeyMemoryUsageAsync_ExistingAndMissing_ReturnsBytesOrNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, new string('x', 1000));

        (await redis.KeyMemoryUsageAsync(key)).Should().BeGreaterThan(1000);
        (await redis.KeyMemoryUsageAsync(key, samples: 0)).Should().BeGreaterThan(1000);
        (await redis.KeyMemoryUsageAsync(NewKey("missing"))).Should().BeNull();
    }

    private static async Task<HashSet<string>> Collect(IAsyncEnumerable<string> keys)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in keys)
        {
            result.Add(key);
        }

        return result;
    }
}
