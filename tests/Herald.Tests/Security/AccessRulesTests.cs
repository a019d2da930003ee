using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Security;
using Herald.TestKit;

namespace Herald.Tests.Security;

[HeraldMessage("test.payment")]
public sealed record Payment(string Id);

public sealed class AccessRulesTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");
    private static readonly Destination s_payments = Destination.Stream("payments");

    [Fact]
    public async Task Publish_WithRole_AllowedOnlyToItsPatterns()
    {
        var prefix = fixture.NewPrefix();
        await using var shop = await fixture.CreateBusAsync(prefix, o => Rules(o, "shop"));
        await using var billing = await fixture.CreateBusAsync(prefix, o => Rules(o, "billing"));

        await shop.PublishAsync(s_orders, new Payment("allowed"));
        await billing.PublishAsync(Destination.Stream("payments-eu"), new Payment("allowed by glob"));
        var denied = () => shop.PublishAsync(s_payments, new Payment("denied")).AsTask();

        var error = (await denied.Should().ThrowAsync<DestinationAccessDeniedException>()).Which;
        (error.Role, error.Operation, error.Destination).Should().Be(("shop", "publish", "stream:payments"));
        (await shop.Redis!.StreamLengthAsync(shop.Keys.Stream("payments"))).Should().Be(0);
        (await shop.Redis!.StreamRangeAsync(shop.Keys.Stream("orders"))).Single().GetString("h-herald-role").Should().Be("shop", "published messages carry the role");
    }

    [Fact]
    public async Task Consume_WithRole_AllowedOnlyForItsPatterns()
    {
        await using var shop = await fixture.CreateBusAsync(fixture.NewPrefix(), o => Rules(o, "shop"));

        await using var allowed = await shop.Consume(s_payments, BusFixture.Fast).Handle<Payment>((_, _) => ValueTask.CompletedTask).StartAsync();
        var denied = () => shop.Consume(s_orders, BusFixture.Fast).Handle<Payment>((_, _) => ValueTask.CompletedTask).StartAsync();

        var error = (await denied.Should().ThrowAsync<DestinationAccessDeniedException>()).Which;
        (error.Role, error.Operation, error.Destination).Should().Be(("shop", "consume", "stream:orders"));
    }

    [Fact]
    public async Task Consume_MessageNotStampedWithARoleAllowedToPublishThere_DeadLettersUnauthorized()
    {
        var prefix = fixture.NewPrefix();
        await using var shop = await fixture.CreateBusAsync(prefix, o => Rules(o, "shop"));
        await using var billing = await fixture.CreateBusAsync(prefix, o => Rules(o, "billing"));
        await using var impostor = await fixture.CreateBusAsync(prefix, o => o.Role = "billing");
        await using var anonymous = await fixture.CreateBusAsync(prefix);
        var handled = new ConcurrentQueue<string>();
        await using var consumer = await billing.Consume(s_orders, BusFixture.Fast)
            .Handle<Payment>((c, _) => { handled.Enqueue(c.Message.Id); return ValueTask.CompletedTask; })
            .StartAsync();
        var stream = billing.Keys.Stream("orders");

        await shop.PublishAsync(s_orders, new Payment("from-shop"));
        var wrongRole = await impostor.PublishAsync(s_orders, new Payment("stamped-billing"));
        var unstamped = await anonymous.PublishAsync(s_orders, new Payment("unstamped"));
        var unknownRole = await billing.Redis!.ExecuteAsync("XADD", stream, "*", "type", "test.payment", "h-herald-role", "root", "data", """{"id":"raw-root"}""");
        var unknownType = await billing.Redis!.ExecuteAsync("XADD", stream, "*", "type", "test.unheard-of", "data", "{}");

        var dead = await BusFixture.DeadLettersAsync(billing, "orders", 4);
        dead.ToDictionary(d => d.GetString("dlq-origin-id")!, d => d.GetString("dlq-reason")).Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            [wrongRole.EntryId!] = "Unauthorized",
            [unstamped.EntryId!] = "Unauthorized",
            [unknownRole.AsString()!] = "Unauthorized",
            [unknownType.AsString()!] = "Unauthorized",
        }, "authorisation comes before routing: an unauthorised message of an unknown type is still unauthorised");
        dead.Select(d => d.GetString("dlq-error")).Should().Contain("Role 'billing' may not publish 'stream:orders'.").And.Contain("Role '(none)' may not publish 'stream:orders'.");
        await Wait.UntilAsync(() => !handled.IsEmpty);
        handled.Should().Equal("from-shop");
    }

    [Theory]
    [InlineData("stream:orders", "stream:orders", true)]
    [InlineData("orders", "stream:orders", true)]
    [InlineData("orders", "queue:orders", true)]
    [InlineData("stream:orders", "queue:orders", false)]
    [InlineData("stream:orders*", "stream:orders-eu", true)]
    [InlineData("stream:orders*", "stream:order", false)]
    [InlineData("shop:events:*", "channel:shop:events:order:placed", true)]
    [InlineData("stream:order?", "stream:orders", true)]
    [InlineData("stream:order?", "stream:orderss", false)]
    [InlineData("*", "queue:anything", true)]
    public void Matches_Pattern_MatchesKindAndNameOrNameAlone(string pattern, string destination, bool expected) =>
        AccessRules.Matches(pattern, Destination.Parse(destination)).Should().Be(expected);

    // shop publishes orders and consumes payments; billing publishes payments* and consumes orders.
    private static void Rules(HeraldOptions options, string role)
    {
        options.Access = new AccessRules()
            .Role("shop", r => { r.Publish.Add("stream:orders"); r.Consume.Add("stream:payments"); })
            .Role("billing", r => { r.Publish.Add("stream:payments*"); r.Consume.Add("stream:orders"); });
        options.Role = role;
    }
}
