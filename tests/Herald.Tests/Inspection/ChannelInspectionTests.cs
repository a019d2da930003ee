using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class ChannelInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task GetChannel_SubscribedConsumersAndAFailedMessage_ReportsSubscribersAndDeadLetters()
    {
        var prefix = fixture.NewPrefix();
        await using var bus = await fixture.CreateBusAsync(prefix);
        await using var otherService = await fixture.CreateBusAsync(prefix);
        var alerts = Destination.Channel("shop:alerts");
        var inspector = bus.CreateInspector();
        await using var first = await bus.Consume(alerts, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((c, _) => c.Message.OrderId == "bad" ? throw new InvalidOperationException("pager down") : ValueTask.CompletedTask)
            .StartAsync();
        await using var second = await otherService.Consume(alerts, o => { BusFixture.Fast(o); o.Group = "audit"; })
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();
        await inspector.PauseAsync(alerts, "audit");

        await bus.PublishAsync(alerts, new OrderPlaced("bad", 1));
        await InspectionKit.DeadLettersAsync(inspector, alerts, 1);
        var channel = await inspector.GetChannelAsync("shop:alerts");

        channel.Name.Should().Be("shop:alerts");
        channel.Subscribers.Should().Be(2, "each client subscribes on its own connection");
        channel.DeadLetters.Should().Be(1);
        channel.PausedGroups.Should().Equal("audit");
        (await inspector.GetChannelAsync("shop:nobody")).Should().BeEquivalentTo(new { Subscribers = 0L, DeadLetters = 0L });
    }
}
