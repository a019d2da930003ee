using System.Text;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class StreamCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_Fields_AreReadBackInOrder(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        byte[] body = [0, 1, 2, 0xFF];

        var id = await redis.StreamAddAsync(key, [new("type", "order.created"), new("data", body), new("attempt", 1)]);

        StreamId.TryParse(id, out _).Should().BeTrue();
        var entry = (await redis.StreamRangeAsync(key)).Should().ContainSingle().Subject;
        entry.Id.Should().Be(id);
        entry.IsDeleted.Should().BeFalse();
        entry.Fields.Select(static f => f.Key).Should().Equal("type", "data", "attempt");
        entry.GetString("type").Should().Be("order.created");
        entry.TryGetValue("data", out var data).Should().BeTrue();
        data.ToArray().Should().Equal(body);
        entry.GetString("missing").Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_ExplicitIds_AreKeptAndMustIncrease(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StreamAddAsync(key, [new("f", "v")], new() { Id = "5-1" })).Should().Be("5-1");
        (await redis.StreamAddAsync(key, [new("f", "v")], new() { Id = "5-*" })).Should().Be("5-2");

        (await ShouldFailAsync(() => redis.StreamAddAsync(key, [new("f", "v")], new() { Id = "4-0" }), RedisErrorKind.Generic)).Message.Should().Contain("equal or smaller");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_NoMakeStreamOnMissingKey_ReturnsNull(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StreamAddAsync(key, [new("f", "v")], new() { NoMakeStream = true })).Should().BeNull();
        (await redis.KeyExistsAsync(key)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_ExactMaxLength_KeepsNewest(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        for (var i = 1; i <= 5; i++)
        {
            await redis.StreamAddAsync(key, [new("n", i)], new() { Id = $"{i}-0", Trim = StreamTrim.ToMaxLength(2, approximate: false) });
        }

        (await redis.StreamLengthAsync(key)).Should().Be(2);
        (await redis.StreamRangeAsync(key)).Select(static e => e.Id).Should().Equal("4-0", "5-0");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_ApproximateTrimWithLimit_IsAccepted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        var id = await redis.StreamAddAsync(key, [new("f", "v")], new() { Trim = StreamTrim.ToMinId("0-1", limit: 10) });

        id.Should().NotBeNull();
        (await redis.StreamLengthAsync(key)).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAddAsync_EntryFieldsAsBytes_CopiesAnEntry(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var source = NewKey("source");
        var deadLetters = NewKey("dead");
        await redis.StreamAddAsync(source, [new("data", new byte[] { 9, 8, 7 }), new("type", "t")]);
        var original = (await redis.StreamRangeAsync(source))[0];

        await redis.StreamAddBytesAsync(deadLetters, original.Fields);

        var copy = (await redis.StreamRangeAsync(deadLetters)).Should().ContainSingle().Subject;
        copy.Fields.Select(static f => (f.Key, f.Value.ToArray())).Should().BeEquivalentTo(
            original.Fields.Select(static f => (f.Key, f.Value.ToArray())), static o => o.WithStrictOrdering());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamRangeAsync_BoundsAndCount_PageThroughEntries(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await AddNumberedEntriesAsync(redis, key, 5);

        (await redis.StreamRangeAsync(key, count: 2)).Select(static e => e.Id).Should().Equal("1-0", "2-0");
        (await redis.StreamRangeAsync(key, "(2-0", "4-0")).Select(static e => e.Id).Should().Equal("3-0", "4-0");
        (await redis.StreamRangeAsync(key, StreamId.Parse("4-0").Next().ToString())).Select(static e => e.Id).Should().Equal("5-0");
        (await redis.StreamRangeReverseAsync(key, count: 2)).Select(static e => e.Id).Should().Equal("5-0", "4-0");
        (await redis.StreamRangeReverseAsync(key, "3-0", "2-0")).Select(static e => e.Id).Should().Equal("3-0", "2-0");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamRangeAsync_MissingKey_IsEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StreamRangeAsync(key)).Should().BeEmpty();
        (await redis.StreamRangeReverseAsync(key)).Should().BeEmpty();
        (await redis.StreamLengthAsync(key)).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamDeleteAsync_SomeExisting_CountsDeleted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        var first = await redis.StreamAddAsync(key, [new("f", "1")]);
        var second = await redis.StreamAddAsync(key, [new("f", "2")]);

        (await redis.StreamDeleteAsync(key, [first!, "999-0"])).Should().Be(1);
        (await redis.StreamRangeAsync(key)).Select(static e => e.Id).Should().Equal(second);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamTrimAsync_MinIdAndMaxLength_EvictOldest(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await AddNumberedEntriesAsync(redis, key, 6);

        (await redis.StreamTrimAsync(key, StreamTrim.ToMinId("3-0", approximate: false))).Should().Be(2);
        (await redis.StreamTrimAsync(key, StreamTrim.ToMaxLength(1, approximate: false))).Should().Be(3);
        (await redis.StreamRangeAsync(key)).Select(static e => e.Id).Should().Equal("6-0");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadAsync_OneStream_ReturnsEntriesAfterId(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await AddNumberedEntriesAsync(redis, key, 3);

        (await redis.StreamReadAsync(key, "1-0")).Select(static e => e.GetString("n")).Should().Equal("2", "3");
        (await redis.StreamReadAsync(key, "0", count: 1)).Select(static e => e.Id).Should().Equal("1-0");
        (await redis.StreamReadAsync(key, "3-0")).Should().BeEmpty();
        (await redis.StreamReadAsync(NewKey("missing"), "0")).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadAsync_ManyStreams_ReturnsOnlyStreamsWithEntries(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var a = NewKey("a");
        var b = NewKey("b");
        var empty = NewKey("empty");
        await redis.StreamAddAsync(a, [new("n", "a1")], new() { Id = "1-0" });
        await redis.StreamAddAsync(b, [new("n", "b1")], new() { Id = "1-0" });
        await redis.StreamAddAsync(b, [new("n", "b2")], new() { Id = "2-0" });

        var results = await redis.StreamReadAsync([new(a, "0"), new(empty, "0"), new(b, "1-0")]);

        results.Select(static r => r.Key).Should().Equal(a, b);
        results[0].Entries.Select(static e => e.GetString("n")).Should().Equal("a1");
        results[1].Entries.Select(static e => e.GetString("n")).Should().Equal("b2");
        (await redis.StreamReadAsync([new(a, "1-0"), new(b, "2-0")])).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadAsync_BlockOnEmptyStream_TimesOutEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();

        (await lease.StreamReadAsync(NewKey(), "0-0", block: ShortBlock)).Should().BeEmpty();
        (await lease.StreamReadAsync([new(NewKey("a"), "0-0"), new(NewKey("b"), StreamId.Latest)], block: ShortBlock)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadAsync_EntryAddedWhileBlocked_IsReturned(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var key = NewKey();

        // After 0-0 rather than $: if the add wins the race, the read still sees it at once.
        var reading = lease.StreamReadAsync(key, "0-0", block: TimeSpan.FromSeconds(10)).AsTask();
        var id = await redis.StreamAddAsync(key, [new("data", "hello")]);

        var entries = await reading;
        entries.Should().ContainSingle().Which.Id.Should().Be(id);
        Encoding.UTF8.GetString(entries[0].Fields[0].Value.Span).Should().Be("hello");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadAsync_WrongType_ThrowsWrongType(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StringSetAsync(key, "v");

        await ShouldFailAsync(() => redis.StreamReadAsync(key, "0"), RedisErrorKind.WrongType);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamInfoAsync_AfterAddsAndDelete_ReportsRedis7Fields(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await AddNumberedEntriesAsync(redis, key, 3);

        await redis.StreamDeleteAsync(key, ["2-0"]);
        await redis.StreamCreateGroupAsync(key, "g", "0");

        var info = await redis.StreamInfoAsync(key);

        info.Length.Should().Be(2);
        info.Groups.Should().Be(1);
        info.LastGeneratedId.Should().Be("3-0");
        info.MaxDeletedEntryId.Should().Be("2-0");
        info.EntriesAdded.Should().Be(3);
        info.RadixTreeKeys.Should().BePositive();
        info.RadixTreeNodes.Should().BePositive();
        new[] { null, "1-0" }.Should().Contain(info.RecordedFirstEntryId, "Redis 7.2 added the field");
        info.FirstEntry!.Id.Should().Be("1-0");
        info.FirstEntry.GetString("n").Should().Be("1");
        info.LastEntry!.Id.Should().Be("3-0");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamInfoAsync_EmptyStream_HasNoFirstOrLastEntry(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", makeStream: true);

        var info = await redis.StreamInfoAsync(key);

        info.Length.Should().Be(0);
        info.FirstEntry.Should().BeNull();
        info.LastEntry.Should().BeNull();
        info.LastGeneratedId.Should().Be("0-0");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamInfoAsync_MissingKey_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await ShouldFailAsync(() => redis.StreamInfoAsync(NewKey()), RedisErrorKind.Generic)).Message.Should().Contain("no such key");
    }
}
