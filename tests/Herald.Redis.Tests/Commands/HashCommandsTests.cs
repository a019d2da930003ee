using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class HashCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashSetAsync_NewAndExistingFields_CountsNewOnly(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.HashSetAsync(key, "a", "1")).Should().BeTrue();
        (await redis.HashSetAsync(key, "a", "2")).Should().BeFalse();
        (await redis.HashSetAsync(key, [new("a", "3"), new("b", 4), new("c", 5.5)])).Should().Be(2);

        (await redis.HashGetAsync(key, "a")).Should().Be("3");
        (await redis.HashGetAsync(key, "c")).Should().Be("5.5");
        (await redis.HashLengthAsync(key)).Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashGetAllAsync_MapOrFlatArray_ReadsEveryField(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.HashSetAsync(key, [new("a", "1"), new("b", "2")]);

        var all = await redis.HashGetAllAsync(key);

        all.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashGetAllAsync_MissingKey_IsEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await redis.HashGetAllAsync(NewKey())).Should().BeEmpty();
        (await redis.HashLengthAsync(NewKey())).Should().Be(0);
        (await redis.HashGetAsync(NewKey(), "f")).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashGetManyAsync_SomeMissing_ReturnsNullsInPlace(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.HashSetAsync(key, [new("a", "1"), new("c", "3")]);

        (await redis.HashGetManyAsync(key, ["a", "b", "c"])).Should().Equal("1", null, "3");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashDeleteAsync_SomeExisting_CountsRemoved(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.HashSetAsync(key, [new("a", "1"), new("b", "2")]);

        (await redis.HashDeleteAsync(key, ["a", "missing"])).Should().Be(1);
        (await redis.HashExistsAsync(key, "a")).Should().BeFalse();
        (await redis.HashExistsAsync(key, "b")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashIncrementAsync_MissingField_StartsAtZero(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.HashIncrementAsync(key, "n")).Should().Be(1);
        (await redis.HashIncrementAsync(key, "n", -5)).Should().Be(-4);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task HashGetAllAsync_WrongType_ThrowsWrongType(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        await ShouldFailAsync(() => redis.HashGetAllAsync(key), RedisErrorKind.WrongType);
    }
}
