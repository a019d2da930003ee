using System.Globalization;
using System.Text.Json;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary><c>herald dlq list|show|replay|purge|delete</c> against dead letters a failing handler made.</summary>
public sealed class DlqCommandTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task DlqList_FiltersAndPages_ListsTheMatchingDeadLettersOldestFirst()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var consumer = await FailingAsync(bus);
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"bad-{i}")));
        await bus.PublishAsync(OperatorKit.Orders, new OrderCancelled("c-1"));
        await OperatorKit.DeadLettersAsync(bus, 4);

        var all = await kit.JsonAsync("dlq", "list", "orders");
        var noHandler = await kit.JsonAsync("dlq", "list", "orders", "--reason", "nohandler");
        var firstPage = await kit.JsonAsync("dlq", "list", "orders", "--type", "ops.order.placed", "--limit", "2");
        var secondPage = await kit.JsonAsync("dlq", "list", "orders", "--type", "ops.order.placed", "--limit", "2", "--after", firstPage.GetProperty("next").GetString()!);
        var recent = await kit.JsonAsync("dlq", "list", "orders", "--since", "10m", "--group", "billing");
        var old = await kit.JsonAsync("dlq", "list", "orders", "--until", "1h");
        var text = await kit.RunAsync("dlq", "list", "stream:orders");

        var items = all.GetProperty("items").EnumerateArray().ToList();
        items.Should().HaveCount(4);
        all.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        items.Select(i => i.GetProperty("id").GetString()!.Split('-')).Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture)))
            .Should().BeInAscendingOrder("dead letters are listed oldest first");
        items.Where(i => i.GetProperty("messageType").GetString() == "ops.order.placed").Should().HaveCount(3)
            .And.OnlyContain(i => i.GetProperty("reason").GetString() == "HandlerFailed" && i.GetProperty("error").GetString() == "cannot bill"
                && i.GetProperty("group").GetString() == "billing" && i.GetProperty("attempts").GetInt32() == 1);
        noHandler.GetProperty("items").EnumerateArray().Should().ContainSingle().Which.GetProperty("messageType").GetString().Should().Be("ops.order.cancelled");
        firstPage.GetProperty("items").GetArrayLength().Should().Be(2);
        secondPage.GetProperty("items").GetArrayLength().Should().Be(1);
        secondPage.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        recent.GetProperty("items").GetArrayLength().Should().Be(4);
        old.GetProperty("items").GetArrayLength().Should().Be(0);
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("HandlerFailed").And.Contain("NoHandler").And.Contain("cannot bill").And.Contain(items[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task DlqShow_OneDeadLetter_ShowsErrorStackHeadersAndBody()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var consumer = await FailingAsync(bus);
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("bad-7"), new PublishOptions { Headers = new Dictionary<string, string> { ["tenant"] = "acme" } });
        await OperatorKit.DeadLettersAsync(bus, 1);
        var id = (await kit.JsonAsync("dlq", "list", "orders")).GetProperty("items")[0].GetProperty("id").GetString()!;

        var json = await kit.JsonAsync("dlq", "show", "orders", id);
        var text = await kit.RunAsync("dlq", "show", "orders", id);
        var missing = await kit.RunAsync("dlq", "show", "orders", "1-0");
        var malformed = await kit.RunAsync("dlq", "show", "orders", "yesterday");

        json.GetProperty("letter").GetProperty("id").GetString().Should().Be(id);
        json.GetProperty("body").GetString().Should().Be("""{"orderId":"bad-7"}""");
        json.GetProperty("headers").GetProperty("tenant").GetString().Should().Be("acme");
        json.GetProperty("stackTrace").GetString().Should().Contain(nameof(DlqCommandTests));
        json.GetProperty("fields").GetProperty("dlq-reason").GetString().Should().Be("HandlerFailed");
        text.ExitCode.Should().Be(0, text.ToString());
        text.Output.Should().Contain("cannot bill").And.Contain("bad-7").And.Contain("tenant").And.Contain("Stack trace");
        missing.ExitCode.Should().Be(7, missing.ToString());
        missing.ErrorLines.Should().ContainSingle().Which.Should().Contain("1-0").And.Contain("herald dlq list stream:orders");
        malformed.ExitCode.Should().Be(2, malformed.ToString());
    }

    [Fact]
    public async Task DlqReplay_ById_PutsItBackAndItIsHandledAgain()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        var failing = 1;
        var handled = new List<string>();
        await using var consumer = await bus.Consume(OperatorKit.Orders, o => OperatorKit.FailOnce(o, "billing"))
            .Handle<OrderPlaced>((c, _) =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("cannot bill");
                }

                lock (handled)
                {
                    handled.Add(c.MessageId);
                }

                return ValueTask.CompletedTask;
            })
            .StartAsync();
        await bus.PublishBatchAsync(OperatorKit.Orders, [new OrderPlaced("a"), new OrderPlaced("b")]);
        await OperatorKit.DeadLettersAsync(bus, 2);
        var first = (await kit.JsonAsync("dlq", "list", "orders")).GetProperty("items")[0];
        Volatile.Write(ref failing, 0);

        var replayed = await kit.JsonAsync("dlq", "replay", "orders", first.GetProperty("id").GetString()!);
        var again = await kit.RunAsync("dlq", "replay", "orders", first.GetProperty("id").GetString()!);

        replayed.GetProperty("replayed").GetInt64().Should().Be(1);
        replayed.GetProperty("ids")[0].GetProperty("outcome").GetString().Should().Be("replayed");
        await Wait.UntilAsync(() => { lock (handled) { return handled.Count == 1; } }, because: "the replayed order reaches billing again");
        handled.Should().Equal(first.GetProperty("messageId").GetString());
        again.ExitCode.Should().Be(7, again.ToString());
        again.ErrorLines.Should().ContainSingle().Which.Should().Contain("replayed 0 of 1");
        (await bus.CreateInspector().CountDeadLettersAsync(OperatorKit.Orders)).Should().Be(1);
    }

    [Fact]
    public async Task DlqReplay_NothingSelectedOrManyWithoutYes_RefusesWithUsageCode()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var consumer = await FailingAsync(bus);
        await bus.PublishBatchAsync(OperatorKit.Orders, [new OrderPlaced("a"), new OrderPlaced("b")]);
        await OperatorKit.DeadLettersAsync(bus, 2);

        var nothing = await kit.RunAsync("dlq", "replay", "orders");
        var both = await kit.RunAsync("dlq", "replay", "orders", "1-0", "--all");
        var unconfirmed = await kit.RunAsync("dlq", "replay", "orders", "--reason", "HandlerFailed");

        nothing.ExitCode.Should().Be(2, nothing.ToString());
        nothing.ErrorLines.Should().ContainSingle().Which.Should().Contain("--all");
        both.ExitCode.Should().Be(2, both.ToString());
        unconfirmed.ExitCode.Should().Be(2, unconfirmed.ToString());
        unconfirmed.ErrorLines.Should().ContainSingle().Which.Should().Contain("replay 2 dead letter(s)").And.Contain("--yes");
        (await bus.CreateInspector().CountDeadLettersAsync(OperatorKit.Orders)).Should().Be(2, "nothing was replayed");
    }

    [Fact]
    public async Task DlqPurgeAndDelete_WithoutYesRefusedThenDeleted()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await using var consumer = await FailingAsync(bus);
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"bad-{i}")));
        await OperatorKit.DeadLettersAsync(bus, 3);
        var id = (await kit.JsonAsync("dlq", "list", "orders")).GetProperty("items")[0].GetProperty("id").GetString()!;

        var refused = await kit.RunAsync("dlq", "purge", "orders");
        var countAfterRefusal = await bus.CreateInspector().CountDeadLettersAsync(OperatorKit.Orders);
        var deleted = await kit.JsonAsync("dlq", "delete", "orders", id);
        var deletedAgain = await kit.RunAsync("dlq", "delete", "orders", id);
        var purged = await kit.JsonAsync("dlq", "purge", "orders", "--yes");

        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.Output.Should().BeEmpty();
        refused.ErrorLines.Should().ContainSingle().Which.Should().Contain("purge 3 dead letter(s) of stream:orders").And.Contain("--yes");
        countAfterRefusal.Should().Be(3);
        deleted.GetProperty("deleted").GetInt64().Should().Be(1);
        deletedAgain.ExitCode.Should().Be(7, deletedAgain.ToString());
        purged.GetProperty("deleted").GetInt64().Should().Be(2);
        (await bus.CreateInspector().CountDeadLettersAsync(OperatorKit.Orders)).Should().Be(0);
    }

    private static async Task<Consuming.Consumer> FailingAsync(HeraldClient bus) =>
        await bus.Consume(OperatorKit.Orders, o => OperatorKit.FailOnce(o, "billing"))
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("cannot bill"))
            .StartAsync();
}
