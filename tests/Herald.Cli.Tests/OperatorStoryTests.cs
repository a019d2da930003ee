using System.Text.Json;
using Herald.Consuming;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>
/// The operator's story from the README, with the tool alone: a consumer group lags, <c>herald lag</c> shows it,
/// <c>herald dlq</c> replays what it dead-lettered, <c>herald pause</c> stops it and <c>herald resume</c> restarts it.
/// </summary>
public sealed class OperatorStoryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private int _broken = 1;
    private int _handled;

    [Fact]
    public async Task OperatorStory_LaggingGroupWithDeadLetters_FoundReplayedPausedAndResumedWithTheTool()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();

        // Billing fails three orders (a bad deploy), then its worker dies; orders keep coming.
        var crashed = await BillingAsync(bus);
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"failed-{i}")));
        await OperatorKit.DeadLettersAsync(bus, 3);
        await crashed.DisposeAsync();
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 4).Select(i => new OrderPlaced($"waiting-{i}")));

        // 1. Find it: billing lags by 4 with dead letters, and groups says why.
        var lagging = Billing(await kit.JsonAsync("lag"));
        lagging.GetProperty("lag").GetInt64().Should().Be(4);
        lagging.GetProperty("deadLetters").GetInt64().Should().Be(3);
        lagging.GetProperty("paused").GetBoolean().Should().BeFalse();
        var groups = await kit.RunAsync("groups", "orders");
        groups.Output.Should().Contain("3 dead letter(s)").And.Contain("herald dlq list stream:orders");
        var letters = await kit.JsonAsync("dlq", "list", "orders", "--group", "billing");
        letters.GetProperty("items").EnumerateArray().Should().HaveCount(3).And.OnlyContain(i => i.GetProperty("error").GetString() == "billing is down");

        // 2. Fixed and restarted, billing catches up; the tool replays its dead letters and they are billed.
        Volatile.Write(ref _broken, 0);
        await using var billing = await BillingAsync(bus);
        await Wait.UntilAsync(() => Volatile.Read(ref _handled) == 4, because: "the restarted worker catches up");
        var replay = await kit.JsonAsync("dlq", "replay", "orders", "--all", "--yes");
        replay.GetProperty("replayed").GetInt64().Should().Be(3);
        await Wait.UntilAsync(() => Volatile.Read(ref _handled) == 7, because: "the replayed orders are billed");
        (await kit.JsonAsync("dlq", "list", "orders")).GetProperty("items").GetArrayLength().Should().Be(0);
        Billing(await kit.JsonAsync("lag")).GetProperty("lag").GetInt64().Should().Be(0);

        // 3. Pause billing: it stops taking work, and lag shows what waits.
        (await kit.RunAsync("pause", "orders", "--group", "billing")).ExitCode.Should().Be(0);
        await Wait.UntilAsync(() => billing.State == ConsumerState.Paused, because: "the worker sees the pause");
        Billing(await kit.JsonAsync("lag")).GetProperty("paused").GetBoolean().Should().BeTrue();
        await bus.PublishBatchAsync(OperatorKit.Orders, [new OrderPlaced("later-1"), new OrderPlaced("later-2")]);
        var paused = Billing(await kit.JsonAsync("lag"));
        paused.GetProperty("lag").GetInt64().Should().Be(2);
        Volatile.Read(ref _handled).Should().Be(7, "a paused group takes nothing new");

        // 4. Resume: it takes the waiting orders.
        (await kit.RunAsync("resume", "orders", "--group", "billing")).ExitCode.Should().Be(0);
        await Wait.UntilAsync(() => Volatile.Read(ref _handled) == 9, because: "the resumed worker takes what waited");
        var resumed = Billing(await kit.JsonAsync("lag"));
        resumed.GetProperty("lag").GetInt64().Should().Be(0);
        resumed.GetProperty("paused").GetBoolean().Should().BeFalse();
    }

    private static JsonElement Billing(JsonElement snapshot) =>
        snapshot.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("destination").GetString() == "stream:orders" && r.GetProperty("group").GetString() == "billing");

    private async Task<Consumer> BillingAsync(HeraldClient bus) =>
        await bus.Consume(OperatorKit.Orders, o => OperatorKit.FailOnce(o, "billing"))
            .Handle<OrderPlaced>((_, _) =>
            {
                if (Volatile.Read(ref _broken) == 1)
                {
                    throw new InvalidOperationException("billing is down");
                }

                Interlocked.Increment(ref _handled);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
}
