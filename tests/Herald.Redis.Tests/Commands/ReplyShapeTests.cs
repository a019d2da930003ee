using System.Text;
using Herald.Redis.Commands;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Commands;

/// <summary>
/// Replies the test server (Redis 7.0) does not send but other supported servers do: Redis 6.2's
/// two-element XAUTOCLAIM with nil entries, XINFO without the 7.x fields, Redis 7.2's <c>inactive</c>.
/// </summary>
public sealed class ReplyShapeTests
{
    [Fact]
    public async Task StreamAutoClaimAsync_Redis62Reply_DropsNilEntriesAndHasNoDeletedIds()
    {
        var reply = Array(Bulk("0-0"), Array(Entry("1-0", "f", "v"), RespValue.Null));
        var redis = new RecordingExecutor(reply);

        var result = await redis.StreamAutoClaimAsync("s", "g", "c", TimeSpan.Zero);

        result.NextStartId.Should().Be("0-0");
        result.Entries.Select(static e => e.Id).Should().Equal("1-0");
        result.DeletedIds.Should().BeEmpty();
    }

    [Fact]
    public async Task StreamInfoAsync_Redis62Reply_LeavesNewerFieldsNull()
    {
        var reply = Array(
            Bulk("length"), RespValue.Integer(0),
            Bulk("radix-tree-keys"), RespValue.Integer(1),
            Bulk("radix-tree-nodes"), RespValue.Integer(2),
            Bulk("last-generated-id"), Bulk("5-0"),
            Bulk("groups"), RespValue.Integer(0),
            Bulk("first-entry"), RespValue.Null,
            Bulk("last-entry"), RespValue.Null);
        var redis = new RecordingExecutor(reply);

        var info = await redis.StreamInfoAsync("s");

        info.Should().BeEquivalentTo(new StreamInfo(0, 1, 2, 0, "5-0", null, null, null, null, null));
    }

    [Fact]
    public async Task StreamConsumersAsync_Redis72Reply_ReadsInactive()
    {
        var consumer = RespValue.Aggregate(RespType.Map, [
            Bulk("name"), Bulk("c"), Bulk("pending"), RespValue.Integer(2),
            Bulk("idle"), RespValue.Integer(1500), Bulk("inactive"), RespValue.Integer(-1)]);
        var active = RespValue.Aggregate(RespType.Map, [
            Bulk("name"), Bulk("d"), Bulk("pending"), RespValue.Integer(0),
            Bulk("idle"), RespValue.Integer(10), Bulk("inactive"), RespValue.Integer(20)]);
        var redis = new RecordingExecutor(Array(consumer, active));

        var consumers = await redis.StreamConsumersAsync("s", "g");

        consumers.Should().Equal(
            new StreamConsumerInfo("c", 2, TimeSpan.FromMilliseconds(1500), null),
            new StreamConsumerInfo("d", 0, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public async Task StreamClaimAsync_NilEntry_IsLeftOut()
    {
        var redis = new RecordingExecutor(Array(RespValue.Null, Entry("2-0", "a", "b")));

        var entries = await redis.StreamClaimAsync("s", "g", "c", TimeSpan.Zero, ["1-0", "2-0"]);

        entries.Select(static e => e.Id).Should().Equal("2-0");
        entries[0].GetString("a").Should().Be("b");
    }

    [Fact]
    public async Task RoleAsync_ReplicaAndSentinelReplies_AreRead()
    {
        var replica = await new RecordingExecutor(Array(Bulk("slave"), Bulk("10.0.0.1"), RespValue.Integer(6379), Bulk("connected"), RespValue.Integer(42)))
            .RoleAsync();
        var sentinel = await new RecordingExecutor(Array(Bulk("sentinel"), Array(Bulk("mymaster"))))
            .RoleAsync();

        replica.Should().BeEquivalentTo(new ServerRole("slave", 42, [], "10.0.0.1:6379", "connected", []));
        sentinel.MonitoredPrimaries.Should().Equal("mymaster");
    }

    [Fact]
    public async Task Parser_UnexpectedShape_ThrowsInvalidCast()
    {
        var redis = new RecordingExecutor(RespValue.Integer(3));

        await FluentActions.Awaiting(() => redis.StreamInfoAsync("s").AsTask()).Should().ThrowAsync<InvalidCastException>();
        await FluentActions.Awaiting(() => redis.ClientSetNameAsync("n").AsTask()).Should().ThrowAsync<InvalidCastException>();
    }

    private static RespValue Bulk(string text) => RespValue.BulkString(Encoding.UTF8.GetBytes(text));

    private static RespValue Array(params RespValue[] items) => RespValue.Array(items);

    private static RespValue Entry(string id, string field, string value) => Array(Bulk(id), Array(Bulk(field), Bulk(value)));
}
