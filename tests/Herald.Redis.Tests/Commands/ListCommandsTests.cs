using System.Text;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class ListCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListPushAsync_BothEnds_KeepsRedisOrder(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.ListRightPushAsync(key, "c")).Should().Be(1);
        (await redis.ListRightPushAsync(key, ["d", "e"])).Should().Be(3);
        (await redis.ListLeftPushAsync(key, "b")).Should().Be(4);
        (await redis.ListLeftPushAsync(key, ["z", "a"])).Should().Be(6);

        (await redis.ListRangeAsync(key)).Should().Equal("a", "z", "b", "c", "d", "e");
        (await redis.ListRangeAsync(key, 1, 2)).Should().Equal("z", "b");
        (await redis.ListLengthAsync(key)).Should().Be(6);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListPopAsync_WithAndWithoutCount_PopsFromEachEnd(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.ListRightPushAsync(key, ["1", "2", "3", "4", "5"]);

        (await redis.ListLeftPopAsync(key)).Should().Be("1");
        (await redis.ListRightPopAsync(key)).Should().Be("5");
        (await redis.ListLeftPopAsync(key, 2)).Should().Equal("2", "3");
        (await redis.ListRightPopAsync(key, 10)).Should().Equal("4");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListPopAsync_MissingKey_ReturnsNullOrEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.ListLeftPopAsync(key)).Should().BeNull();
        (await redis.ListRightPopAsync(key)).Should().BeNull();
        (await redis.ListLeftPopAsync(key, 3)).Should().BeEmpty();
        (await redis.ListRightPopAsync(key, 3)).Should().BeEmpty();
        (await redis.ListRangeAsync(key)).Should().BeEmpty();
        (await redis.ListLengthAsync(key)).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListRemoveAsync_Count_RemovesFromTheRightEnd(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.ListRightPushAsync(key, ["x", "a", "x", "b", "x"]);

        (await redis.ListRemoveAsync(key, "x", -1)).Should().Be(1);
        (await redis.ListRangeAsync(key)).Should().Equal("x", "a", "x", "b");
        (await redis.ListRemoveAsync(key, "x")).Should().Be(2);
        (await redis.ListRangeAsync(key)).Should().Equal("a", "b");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListMoveAsync_Sides_MovesBetweenLists(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var source = NewKey("source");
        var destination = NewKey("destination");
        await redis.ListRightPushAsync(source, ["a", "b"]);

        (await redis.ListMoveAsync(source, destination, ListSide.Right, ListSide.Left)).Should().Be("b");
        var moved = await redis.ListMoveBytesAsync(source, destination, ListSide.Left, ListSide.Left);

        Encoding.UTF8.GetString(moved!.Value.Span).Should().Be("a");
        (await redis.ListRangeAsync(destination)).Should().Equal("a", "b");
        (await redis.ListMoveAsync(source, destination, ListSide.Left, ListSide.Left)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListRangeBytesAsync_BinaryElements_AreReturnedIntact(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        byte[] first = [0, 0xFF, 13, 10];
        byte[] second = [];
        await redis.ListRightPushAsync(key, [first, second]);

        var items = await redis.ListRangeBytesAsync(key);

        items.Select(static m => m.ToArray()).Should().BeEquivalentTo([first, second], o => o.WithStrictOrdering());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListBlockingMoveAsync_EmptySource_TimesOutWithNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();

        var moved = await lease.ListBlockingMoveAsync(NewKey("source"), NewKey("destination"), ListSide.Right, ListSide.Left, ShortBlock);

        moved.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListBlockingMoveAsync_ElementPushedWhileWaiting_MovesIt(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var source = NewKey("source");
        var processing = NewKey("processing");

        var waiting = lease.ListBlockingMoveBytesAsync(source, processing, ListSide.Right, ListSide.Left, TimeSpan.FromSeconds(10)).AsTask();
        await redis.ListLeftPushAsync(source, "job");

        var moved = await waiting;
        Encoding.UTF8.GetString(moved!.Value.Span).Should().Be("job");
        (await redis.ListRangeAsync(processing)).Should().Equal("job");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ListBlockingMoveAsync_ThroughClient_RunsOnADedicatedConnection(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var source = NewKey("source");
        await redis.ListRightPushAsync(source, "x");

        (await redis.ListBlockingMoveAsync(source, NewKey("destination"), ListSide.Left, ListSide.Right, ShortBlock)).Should().Be("x");
    }
}
