using System.Text;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class StringCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringGetAsync_MissingKey_ReturnsNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await redis.StringGetAsync(NewKey())).Should().BeNull();
        (await redis.StringGetBytesAsync(NewKey())).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAsync_TextAndBytes_RoundTrip(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var text = NewKey("text");
        var bytes = NewKey("bytes");
        byte[] payload = [0, 1, 0xFF, 0x0D, 0x0A];

        (await redis.StringSetAsync(text, "héllo")).Should().BeTrue();
        (await redis.StringSetAsync(bytes, payload)).Should().BeTrue();

        (await redis.StringGetAsync(text)).Should().Be("héllo");
        (await redis.StringGetBytesAsync(bytes))!.Value.ToArray().Should().Equal(payload);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAsync_NotExistsOnExistingKey_ReturnsFalseAndKeepsValue(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "first");

        var set = await redis.StringSetAsync(key, "second", new() { Condition = SetCondition.NotExists });

        set.Should().BeFalse();
        (await redis.StringGetAsync(key)).Should().Be("first");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAsync_ExistsOnMissingKey_ReturnsFalse(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StringSetAsync(key, "v", new() { Condition = SetCondition.Exists })).Should().BeFalse();
        (await redis.KeyExistsAsync(key)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAsync_Expiry_SetsTimeToLive(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var seconds = NewKey("s");
        var milliseconds = NewKey("ms");
        var at = NewKey("at");

        await redis.StringSetAsync(seconds, "v", new() { Expiry = TimeSpan.FromSeconds(100) });
        await redis.StringSetAsync(milliseconds, "v", new() { Expiry = TimeSpan.FromMilliseconds(100_500) });
        await redis.StringSetAsync(at, "v", new() { ExpireAt = TimeProvider.System.GetUtcNow().AddSeconds(100) });

        (await redis.KeyTimeToLiveAsync(seconds)).Should().BeCloseTo(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(5));
        (await redis.KeyTimeToLiveAsync(milliseconds)).Should().BeCloseTo(TimeSpan.FromMilliseconds(100_500), TimeSpan.FromSeconds(5));
        (await redis.KeyTimeToLiveAsync(at)).Should().BeCloseTo(TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAsync_KeepTtl_KeepsExpiry(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v1", new() { Expiry = TimeSpan.FromSeconds(100) });

        await redis.StringSetAsync(key, "v2", new() { KeepTtl = true });
        var cleared = NewKey("cleared");
        await redis.StringSetAsync(cleared, "v1", new() { Expiry = TimeSpan.FromSeconds(100) });
        await redis.StringSetAsync(cleared, "v2");

        (await redis.KeyTimeToLiveAsync(key)).Should().NotBeNull();
        (await redis.KeyTimeToLiveAsync(cleared)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringSetAndGetAsync_ExistingAndMissing_ReturnsPreviousValue(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StringSetAndGetAsync(key, "a")).Should().BeNull();
        (await redis.StringSetAndGetAsync(key, "b")).Should().Be("a");
        (await redis.StringGetAsync(key)).Should().Be("b");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringGetManyAsync_SomeMissing_ReturnsNullsInPlace(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var prefix = Fixture.NewPrefix();
        string a = prefix + "a", b = prefix + "b", c = prefix + "c";

        (await redis.StringSetManyAsync([new(a, "1"), new(c, 3)])).Should().BeTrue();

        (await redis.StringGetManyAsync([a, b, c])).Should().Equal("1", null, "3");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringIncrementAsync_Counters_AddAndSubtract(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StringIncrementAsync(key)).Should().Be(1);
        (await redis.StringIncrementAsync(key, 10)).Should().Be(11);
        (await redis.StringDecrementAsync(key, 4)).Should().Be(7);
        (await redis.StringDecrementAsync(key)).Should().Be(6);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringIncrementAsync_NotAnInteger_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "abc");

        await ShouldFailAsync(() => redis.StringIncrementAsync(key), RedisErrorKind.Generic);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringGetDeleteAsync_ExistingKey_ReturnsValueAndDeletes(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, Encoding.UTF8.GetBytes("gone"));

        (await redis.StringGetDeleteAsync(key)).Should().Be("gone");
        (await redis.StringGetDeleteAsync(key)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StringGetAsync_WrongType_ThrowsWrongType(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.ListRightPushAsync(key, "x");

        await ShouldFailAsync(() => redis.StringGetAsync(key), RedisErrorKind.WrongType);
    }
}
