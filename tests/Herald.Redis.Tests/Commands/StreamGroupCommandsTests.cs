using System.Runtime.CompilerServices;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class StreamGroupCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamCreateGroupAsync_Twice_ThrowsBusyGroup(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.StreamCreateGroupAsync(key, "g", makeStream: true)).Should().BeTrue();
        await ShouldFailAsync(() => redis.StreamCreateGroupAsync(key, "g"), RedisErrorKind.BusyGroup);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamCreateGroupAsync_MissingStreamWithoutMakeStream_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await ShouldFailAsync(() => redis.StreamCreateGroupAsync(NewKey(), "g"), RedisErrorKind.Generic)).Message.Should().Contain("MKSTREAM");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_MissingGroup_ThrowsNoGroup(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamAddAsync(key, [new("f", "v")]);

        await ShouldFailAsync(() => redis.StreamReadGroupAsync(key, "nope", "c"), RedisErrorKind.NoGroup);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_NewEntries_AreDeliveredOnceAndPending(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        var first = await redis.StreamAddAsync(key, [new("n", 1)]);
        var second = await redis.StreamAddAsync(key, [new("n", 2)]);

        var delivered = await redis.StreamReadGroupAsync(key, "g", "alice", count: 10);
        var again = await redis.StreamReadGroupAsync(key, "g", "bob");
        var history = await redis.StreamReadGroupAsync(key, "g", "alice", afterId: "0");

        delivered.Select(static e => e.Id).Should().Equal(first, second);
        again.Should().BeEmpty();
        history.Select(static e => e.Id).Should().Equal(first, second);
        (await redis.StreamPendingAsync(key, "g")).Count.Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_NoAck_LeavesNothingPending(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        await redis.StreamAddAsync(key, [new("n", 1)]);

        (await redis.StreamReadGroupAsync(key, "g", "c", noAck: true)).Should().ContainSingle();

        (await redis.StreamPendingAsync(key, "g")).Count.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_DeletedWhilePending_IsMarkedDeletedInHistory(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        var gone = await redis.StreamAddAsync(key, [new("n", 1)]);
        var kept = await redis.StreamAddAsync(key, [new("n", 2)]);
        await redis.StreamReadGroupAsync(key, "g", "c");
        await redis.StreamDeleteAsync(key, [gone!]);

        var history = await redis.StreamReadGroupAsync(key, "g", "c", afterId: "0");

        history.Select(static e => (e.Id, e.IsDeleted)).Should().Equal((gone!, true), (kept!, false));
        history[0].Fields.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_ManyStreams_ReadsEachStreamsNewEntries(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var prefix = Fixture.NewPrefix();
        string a = prefix + "{s}a", b = prefix + "{s}b";
        await redis.StreamCreateGroupAsync(a, "g", "0", makeStream: true);
        await redis.StreamCreateGroupAsync(b, "g", "0", makeStream: true);
        await redis.StreamAddAsync(b, [new("n", "b1")]);

        var results = await redis.StreamReadGroupAsync("g", "c", [new(a, StreamId.Undelivered), new(b, StreamId.Undelivered)], count: 10);

        results.Should().ContainSingle().Which.Key.Should().Be(b);
        results[0].Entries.Single().GetString("n").Should().Be("b1");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_BlockWithNothingNew_TimesOutEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", makeStream: true);

        (await lease.StreamReadGroupAsync(key, "g", "c", block: ShortBlock)).Should().BeEmpty();
        (await lease.StreamReadGroupAsync("g", "c", [new(key, StreamId.Undelivered)], block: ShortBlock)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamReadGroupAsync_EntryAddedWhileBlocked_IsDelivered(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", makeStream: true);

        // Blocked or not yet sent, either way the new entry is undelivered to the group and is returned.
        var reading = lease.StreamReadGroupAsync(key, "g", "c", count: 1, block: TimeSpan.FromSeconds(10)).AsTask();
        var id = await redis.StreamAddAsync(key, [new("n", 1)]);

        (await reading).Should().ContainSingle().Which.Id.Should().Be(id);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAcknowledgeAsync_PendingIds_AreRemovedFromPending(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await redis.StreamAddAsync(key, [new("n", i)]))!);
        }

        await redis.StreamReadGroupAsync(key, "g", "c");

        (await redis.StreamAcknowledgeAsync(key, "g", ids[0])).Should().BeTrue();
        (await redis.StreamAcknowledgeAsync(key, "g", ids[0])).Should().BeFalse();
        (await redis.StreamAcknowledgeAsync(key, "g", [ids[0], ids[1], ids[2], "999-0"])).Should().Be(2);
        (await redis.StreamPendingAsync(key, "g")).Count.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamPendingAsync_NothingPending_HasNullRangeAndNoConsumers(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", makeStream: true);

        var summary = await redis.StreamPendingAsync(key, "g");

        summary.Should().BeEquivalentTo(new PendingSummary(0, null, null, []));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamPendingAsync_TwoConsumers_SummarisesPerConsumer(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis, 3);
        await DeliverTwoToAliceOneToBobAsync(redis, key);

        var summary = await redis.StreamPendingAsync(key, "g");

        summary.Count.Should().Be(3);
        summary.SmallestId.Should().Be("1-0");
        summary.LargestId.Should().Be("3-0");
        summary.Consumers.Should().BeEquivalentTo([new KeyValuePair<string, long>("alice", 2), new KeyValuePair<string, long>("bob", 1)]);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamPendingEntriesAsync_ConsumerAndIdleFilters_SelectEntries(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis, 3);
        await DeliverTwoToAliceOneToBobAsync(redis, key);

        // Make 1-0 look idle for a minute without waiting a minute.
        await redis.StreamClaimIdsAsync(key, "g", "alice", TimeSpan.Zero, ["1-0"], new() { Idle = TimeSpan.FromMinutes(1) });

        var all = await redis.StreamPendingEntriesAsync(key, "g", 10);
        var bobs = await redis.StreamPendingEntriesAsync(key, "g", 10, consumer: "bob");
        var idle = await redis.StreamPendingEntriesAsync(key, "g", 10, minIdle: TimeSpan.FromSeconds(30));
        var page = await redis.StreamPendingEntriesAsync(key, "g", 1, start: "(1-0");

        all.Select(static e => (e.Id, e.Consumer, e.DeliveryCount)).Should().Equal(("1-0", "alice", 1L), ("2-0", "alice", 1L), ("3-0", "bob", 1L));
        bobs.Select(static e => e.Id).Should().Equal("3-0");
        idle.Should().ContainSingle().Which.Idle.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1));
        page.Select(static e => e.Id).Should().Equal("2-0");
        (await redis.StreamPendingEntriesAsync(key, "g", 10, consumer: "nobody")).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamClaimAsync_IdleEntries_MovesThemAndCountsDelivery(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        var id = await redis.StreamAddAsync(key, [new("n", 1)]);
        await redis.StreamReadGroupAsync(key, "g", "alice");

        var notIdleEnough = await redis.StreamClaimAsync(key, "g", "bob", TimeSpan.FromHours(1), [id!]);
        var claimed = await redis.StreamClaimAsync(key, "g", "bob", TimeSpan.Zero, [id!, "999-0"], new() { RetryCount = 5 });

        notIdleEnough.Should().BeEmpty();
        claimed.Should().ContainSingle().Which.GetString("n").Should().Be("1");
        var pending = (await redis.StreamPendingEntriesAsync(key, "g", 10)).Single();
        pending.Consumer.Should().Be("bob");
        pending.DeliveryCount.Should().Be(5);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamClaimIdsAsync_Force_CreatesPendingEntryWithoutCountingDelivery(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", "$", makeStream: true);
        var id = await redis.StreamAddAsync(key, [new("n", 1)]);

        var ids = await redis.StreamClaimIdsAsync(key, "g", "c", TimeSpan.Zero, [id!], new() { Force = true });

        ids.Should().Equal(id);
        (await redis.StreamPendingEntriesAsync(key, "g", 10)).Single().Consumer.Should().Be("c");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAutoClaimAsync_IdleAndDeletedEntries_ClaimsAndReportsDeleted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        var kept = await redis.StreamAddAsync(key, [new("n", 1)]);
        var gone = await redis.StreamAddAsync(key, [new("n", 2)]);
        await redis.StreamReadGroupAsync(key, "g", "alice");
        await redis.StreamDeleteAsync(key, [gone!]);

        var result = await redis.StreamAutoClaimAsync(key, "g", "bob", TimeSpan.Zero);

        result.NextStartId.Should().Be("0-0");
        result.Entries.Select(static e => e.Id).Should().Equal(kept);
        result.DeletedIds.Should().Equal(gone);
        (await redis.StreamPendingAsync(key, "g")).Consumers.Should().BeEquivalentTo([new KeyValuePair<string, long>("bob", 1)]);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAutoClaimAsync_Count_PagesWithNextStart(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis, 3);

        await redis.StreamReadGroupAsync(key, "g", "alice");

        var first = await redis.StreamAutoClaimAsync(key, "g", "bob", TimeSpan.Zero, count: 2);
        var second = await redis.StreamAutoClaimAsync(key, "g", "bob", TimeSpan.Zero, first.NextStartId, count: 2);
        var none = await redis.StreamAutoClaimAsync(key, "g", "carol", TimeSpan.FromHours(1));

        first.Entries.Select(static e => e.Id).Should().Equal("1-0", "2-0");
        first.NextStartId.Should().Be("3-0");
        second.Entries.Select(static e => e.Id).Should().Equal("3-0");
        second.NextStartId.Should().Be("0-0");
        none.Entries.Should().BeEmpty();
        none.DeletedIds.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamAutoClaimAsync_MissingGroup_ThrowsNoGroup(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamAddAsync(key, [new("f", "v")]);

        await ShouldFailAsync(() => redis.StreamAutoClaimAsync(key, "nope", "c", TimeSpan.Zero), RedisErrorKind.NoGroup);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamGroupsAsync_AfterReads_ReportsEntriesReadAndLag(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await AddNumberedEntriesAsync(redis, key, 3);

        await redis.StreamCreateGroupAsync(key, "behind", "0");
        await redis.StreamCreateGroupAsync(key, "caught-up", StreamId.Latest, entriesRead: 3);
        await redis.StreamReadGroupAsync(key, "behind", "c", count: 2);

        var groups = await redis.StreamGroupsAsync(key);

        groups.Should().BeEquivalentTo([
            new StreamGroupInfo("behind", 1, 2, "2-0", 2, 1),
            new StreamGroupInfo("caught-up", 0, 0, "3-0", 3, 0),
        ]);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamGroupsAsync_StreamWithoutGroups_IsEmpty(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamAddAsync(key, [new("f", "v")]);

        (await redis.StreamGroupsAsync(key)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamSetGroupIdAsync_Rewind_RedeliversEntries(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamAddAsync(key, [new("n", 1)], new() { Id = "1-0" });
        await redis.StreamCreateGroupAsync(key, "g");

        (await redis.StreamSetGroupIdAsync(key, "g", "0", entriesRead: 0)).Should().BeTrue();

        (await redis.StreamReadGroupAsync(key, "g", "c")).Select(static e => e.Id).Should().Equal("1-0");
        (await redis.StreamGroupsAsync(key)).Single().Lag.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamConsumersAsync_CreatedAndReading_ReportsPendingPerConsumer(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        await redis.StreamAddAsync(key, [new("n", 1)]);

        (await redis.StreamCreateConsumerAsync(key, "g", "idle")).Should().BeTrue();
        (await redis.StreamCreateConsumerAsync(key, "g", "idle")).Should().BeFalse();
        await redis.StreamReadGroupAsync(key, "g", "busy");

        var consumers = await redis.StreamConsumersAsync(key, "g");

        consumers.Select(static c => (c.Name, c.Pending)).Should().BeEquivalentTo([("busy", 1L), ("idle", 0L)]);
        consumers.Should().OnlyContain(static c => c.Idle >= TimeSpan.Zero);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamConsumersAsync_MissingGroup_ThrowsNoGroup(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamAddAsync(key, [new("f", "v")]);

        await ShouldFailAsync(() => redis.StreamConsumersAsync(key, "nope"), RedisErrorKind.NoGroup);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamDeleteConsumerAsync_WithPending_ReturnsDroppedCount(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = await NewStreamWithGroupAsync(redis);
        await redis.StreamAddAsync(key, [new("n", 1)]);
        await redis.StreamAddAsync(key, [new("n", 2)]);
        await redis.StreamReadGroupAsync(key, "g", "c");

        (await redis.StreamDeleteConsumerAsync(key, "g", "c")).Should().Be(2);
        (await redis.StreamDeleteConsumerAsync(key, "g", "c")).Should().Be(0);
        (await redis.StreamPendingAsync(key, "g")).Count.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamDestroyGroupAsync_ExistingAndMissing_ReportsWhetherItExisted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();
        await redis.StreamCreateGroupAsync(key, "g", makeStream: true);

        (await redis.StreamDestroyGroupAsync(key, "g")).Should().BeTrue();
        (await redis.StreamDestroyGroupAsync(key, "g")).Should().BeFalse();
        (await redis.StreamGroupsAsync(key)).Should().BeEmpty();
    }

    /// <summary>A new stream with group <c>g</c> positioned at the start and entries <c>1-0</c> … <c>entries-0</c>.</summary>
    private async Task<string> NewStreamWithGroupAsync(IRedisExecutor redis, int entries = 0, [CallerMemberName] string test = "")
    {
        var key = NewKey(test: test);
        await redis.StreamCreateGroupAsync(key, "g", "0", makeStream: true);
        await AddNumberedEntriesAsync(redis, key, entries);
        return key;
    }

    private static async Task DeliverTwoToAliceOneToBobAsync(IRedisExecutor redis, string key)
    {
        await redis.StreamReadGroupAsync(key, "g", "alice", count: 2);
        await redis.StreamReadGroupAsync(key, "g", "bob");
    }
}
