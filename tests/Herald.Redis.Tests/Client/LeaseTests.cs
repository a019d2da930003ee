using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>Blocking commands on dedicated connections: they wait without stalling anyone, and a cancelled one costs its connection.</summary>
public sealed class LeaseTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_block = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_BlpopOnLease_ReturnsWhenAnotherClientPushes()
    {
        var list = redis.NewPrefix() + "list";
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await using var pusher = await ClientOptions.ConnectAsync(redis.Url);
        await using var lease = await client.LeaseAsync();

        var popped = lease.ExecuteAsync(Blpop(list), RespParsers.Value).AsTask();
        await WaitUntilBlockedAsync(client, 1);
        await client.EchoesOwnRepliesAsync(20, "not-stalled");
        popped.IsCompleted.Should().BeFalse();
        await pusher.ExecuteAsync(new RedisCommand("RPUSH", list, "work").WithKey(), RespParsers.Int64);

        (await popped).Items.Select(static v => v.AsString()).Should().Equal(list, "work");
        lease.DestroyedConnections.Should().Be(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_BlpopCancelled_DestroysTheConnectionAndTheNextCallWorks()
    {
        var list = redis.NewPrefix() + "list";
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await using var lease = await client.LeaseAsync();
        using var cancellation = new CancellationTokenSource();

        var popped = lease.ExecuteAsync(Blpop(list), RespParsers.Value, cancellation.Token).AsTask();
        await WaitUntilBlockedAsync(client, 1);
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => popped).Should().ThrowAsync<OperationCanceledException>();
        lease.DestroyedConnections.Should().Be(1);
        await WaitUntilBlockedAsync(client, 0);

        // Had the cancelled BLPOP's connection survived, it would take this item.
        await client.ExecuteAsync(new RedisCommand("RPUSH", list, "kept").WithKey(), RespParsers.Int64);
        (await client.ExecuteAsync(new RedisCommand("LLEN", list).WithKey(), RespParsers.Int64)).Should().Be(1);
        (await lease.ExecuteAsync(Blpop(list), RespParsers.Value)).Items.Select(static v => v.AsString()).Should().Equal(list, "kept");
        (await lease.ExecuteAsync(new RedisCommand("ECHO", "lease-works"), RespParsers.String)).Should().Be("lease-works");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecutePairAsync_BlmoveThenLlen_SecondRunsRightAfterTheWaitEnds()
    {
        var source = redis.NewPrefix() + "{q}source";
        var destination = source.Replace("source", "destination", StringComparison.Ordinal);
        await using var client = await ClientOptions.ConnectAsync(redis.Url);
        await using var lease = await client.LeaseAsync();
        var length = new RedisCommand("LLEN", destination).WithKey();

        var pair = lease.ExecutePairAsync(RedisListCommands.BlockingMove(source, destination, ListSide.Right, ListSide.Left, s_block), RespParsers.Memory,
            length, RespParsers.Int64).AsTask();
        await WaitUntilBlockedAsync(client, 1);
        pair.IsCompleted.Should().BeFalse("LLEN waits behind the blocked BLMOVE");
        await client.ExecuteAsync(new RedisCommand("RPUSH", source, "work").WithKey(), RespParsers.Int64);

        var (moved, landed) = await pair;
        moved.Should().NotBeNull();
        System.Text.Encoding.UTF8.GetString(moved!.Value.Span).Should().Be("work");
        landed.Should().Be(1, "the second command ran after the first had moved the item");

        // A wait that times out still runs the second command, within its own deadline after the wait.
        var (none, after) = await lease.ExecutePairAsync(RedisListCommands.BlockingMove(source, destination, ListSide.Right, ListSide.Left, TimeSpan.FromMilliseconds(100)),
            RespParsers.Memory, length, RespParsers.Int64);
        none.Should().BeNull();
        after.Should().Be(1);
        lease.DestroyedConnections.Should().Be(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_BlockingFlagOnClient_RunsOnALeaseWithoutStallingTheSharedConnection()
    {
        var list = redis.NewPrefix() + "list";
        await using var client = await ClientOptions.ConnectAsync(redis.Url);

        var popped = client.ExecuteAsync(Blpop(list), RespParsers.Value).AsTask();
        await WaitUntilBlockedAsync(client, 1);
        await client.EchoesOwnRepliesAsync(20, "shared");
        await client.ExecuteAsync(new RedisCommand("RPUSH", list, "work").WithKey(), RespParsers.Int64);

        (await popped).Items.Select(static v => v.AsString()).Should().Equal(list, "work");
    }

    private static RedisCommand Blpop(string list) =>
        new RedisCommand("BLPOP", list, (long)s_block.TotalSeconds).WithKey().With(RedisCommandFlags.Blocking).WithTimeout(s_block);

    private static Task WaitUntilBlockedAsync(RedisClient client, long count) =>
        Wait.UntilAsync(async () => await client.InfoFieldAsync("clients", "blocked_clients") == count, because: $"{count} client(s) blocked on the server");
}
