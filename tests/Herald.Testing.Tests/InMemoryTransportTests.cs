using System.Text;
using Herald.Messages;
using Herald.TestKit;
using Herald.Transports;

namespace Herald.Testing.Tests;

public sealed class InMemoryTransportTests
{
    private static readonly ReceiverOptions s_options = new()
    {
        BlockTime = TimeSpan.FromMilliseconds(20),
        VisibilityTimeout = TimeSpan.FromSeconds(2),
        StartFrom = "0",
        MaxDeliveries = 3,
    };

    private static readonly Destination s_orders = Destination.Stream("orders");
    private static readonly Destination s_jobs = Destination.Queue("jobs");

    [Fact]
    public async Task CreateReceiverAsync_GroupStartingAtDollar_SkipsWhatWasPublishedBefore()
    {
        await using var transport = new InMemoryTransport();
        await PublishAsync(transport, s_orders, "a");
        await using var late = await transport.CreateReceiverAsync(s_orders, "late", "c1", s_options with { StartFrom = "$" }, default);
        await using var all = await transport.CreateReceiverAsync(s_orders, "all", "c1", s_options, default);
        await PublishAsync(transport, s_orders, "b");

        (await ReceiveAsync(late)).Select(Id).Should().Equal("b");
        (await ReceiveAsync(all)).Select(Id).Should().Equal("a", "b");
    }

    [Fact]
    public async Task MaintainAsync_EntryUnacknowledgedPastVisibilityTimeout_ReclaimedByAnotherConsumerWithDeliveryCountRaised()
    {
        var clock = new ManualTimeProvider();
        await using var transport = new InMemoryTransport(clock);
        await using var crashed = await transport.CreateReceiverAsync(s_orders, "g", "crashed", s_options, default);
        await using var healthy = await transport.CreateReceiverAsync(s_orders, "g", "healthy", s_options, default);
        await PublishAsync(transport, s_orders, "a");
        var first = (await ReceiveAsync(crashed)).Single();
        var reclaimed = new List<Delivery>();

        (await healthy.MaintainAsync(reclaimed, 10, default)).Should().Be(0, "the entry is not stalled yet");
        clock.Advance(TimeSpan.FromSeconds(2));
        (await healthy.MaintainAsync(reclaimed, 10, default)).Should().Be(1);

        reclaimed.Single().TransportId.Should().Be(first.TransportId);
        reclaimed.Single().DeliveryCount.Should().Be(2);
        reclaimed.Single().Attempt.Should().Be(2);
        await healthy.AcknowledgeAsync(reclaimed, default);
        transport.PendingCount(s_orders, "g").Should().Be(0);
        transport.IsIdle.Should().BeTrue();
    }

    [Fact]
    public async Task MaintainAsync_EntryStalledMoreThanMaxDeliveries_DeadLetteredWithTheReason()
    {
        var clock = new ManualTimeProvider();
        await using var transport = new InMemoryTransport(clock);
        await using var receiver = await transport.CreateReceiverAsync(s_orders, "g", "c1", s_options with { MaxDeliveries = 2 }, default);
        await PublishAsync(transport, s_orders, "a");
        await ReceiveAsync(receiver);
        var reclaimed = new List<Delivery>();

        clock.Advance(TimeSpan.FromSeconds(2));
        await receiver.MaintainAsync(reclaimed, 10, default);
        clock.Advance(TimeSpan.FromSeconds(2));
        await receiver.MaintainAsync(reclaimed, 10, default);

        reclaimed.Should().ContainSingle("the second delivery is reclaimed, the third is not made");
        var dead = transport.DeadLetters(s_orders).Single();
        dead.Envelope.Id.Should().Be("a");
        dead.Reason.Should().Be(DeadLetterReason.HandlerFailed);
        dead.Info.Attempts.Should().Be(3);
        dead.Info.ErrorMessage.Should().Contain("crashed or stalled");
        dead.Group.Should().Be("g");
        transport.PendingCount(s_orders).Should().Be(0);
    }

    [Fact]
    public async Task RetryLaterAsync_TwoGroups_RedeliveredToTheFailingGroupOnlyOnceTheDelayPassed()
    {
        var clock = new ManualTimeProvider();
        await using var transport = new InMemoryTransport(clock);

        // A block time longer than the retry delay: the waiting receive wakes only when the retry falls due. With the
        // short one, advancing the clock ended the block time and the receive came back empty as soon as its
        // continuation ran, which on a busy machine could be before the first assertion.
        await using var failing = await transport.CreateReceiverAsync(s_orders, "failing", "c1", s_options with { BlockTime = TimeSpan.FromMinutes(5) }, default);
        await using var other = await transport.CreateReceiverAsync(s_orders, "other", "c1", s_options, default);
        await PublishAsync(transport, s_orders, "a");
        var delivery = (await ReceiveAsync(failing)).Single();
        await other.AcknowledgeAsync(await ReceiveAsync(other), default);

        await failing.RetryLaterAsync(delivery, TimeSpan.FromMinutes(1), countsAsAttempt: true, default);
        var retry = ReceiveAsync(failing);
        clock.Advance(TimeSpan.FromSeconds(59));
        retry.IsCompleted.Should().BeFalse("the retry is not due yet");
        transport.WaitingCount(s_orders, "failing").Should().Be(1);
        clock.Advance(TimeSpan.FromSeconds(1));

        var redelivered = (await retry).Single();
        redelivered.Envelope.Id.Should().Be("a");
        redelivered.Attempt.Should().Be(2);
        transport.WaitingCount(s_orders, "other").Should().Be(0);
        transport.PendingCount(s_orders, "other").Should().Be(0);
    }

    [Fact]
    public async Task ReceiveAsync_QueueWithPrioritiesAndADelay_ServesLevelZeroFirstAndTheDelayedOneWhenDue()
    {
        var clock = new ManualTimeProvider();
        await using var transport = new InMemoryTransport(clock);
        await using var receiver = await transport.CreateReceiverAsync(s_jobs, "g", "c1", s_options, default);
        await transport.PublishAsync(s_jobs, [
            new OutgoingEnvelope(Envelope("low"), Priority: 2),
            new OutgoingEnvelope(Envelope("later"), Delay: TimeSpan.FromMinutes(1)),
            new OutgoingEnvelope(Envelope("high")),
            new OutgoingEnvelope(Envelope("low-2"), Priority: 2),
        ], default);

        (await ReceiveAsync(receiver)).Select(Id).Should().Equal("high", "low", "low-2");
        transport.WaitingCount(s_jobs).Should().Be(1);
        var later = ReceiveAsync(receiver);
        clock.Advance(TimeSpan.FromMinutes(1));
        (await later).Select(Id).Should().Equal("later");
    }

    [Fact]
    public async Task DisposeAsync_QueueConsumerWithUnfinishedWork_ReturnsItToTheNextConsumerFirst()
    {
        await using var transport = new InMemoryTransport();
        var stopping = await transport.CreateReceiverAsync(s_jobs, "g", "c1", s_options, default);
        await using var next = await transport.CreateReceiverAsync(s_jobs, "g", "c2", s_options, default);
        await PublishAsync(transport, s_jobs, "a", "b", "c");
        var taken = await ReceiveAsync(stopping, max: 2);
        await stopping.AcknowledgeAsync([taken[0]], default);

        await stopping.DisposeAsync();

        var rest = await ReceiveAsync(next);
        rest.Select(Id).Should().Equal("b", "c");
        rest[0].DeliveryCount.Should().Be(2);
        transport.PendingCount(s_jobs).Should().Be(2);
    }

    [Fact]
    public async Task ReleaseAsync_QueueDeliveries_ReturnToTheFrontInTheirOrder()
    {
        await using var transport = new InMemoryTransport();
        await using var receiver = await transport.CreateReceiverAsync(s_jobs, "g", "c1", s_options, default);
        await PublishAsync(transport, s_jobs, "a", "b", "c");
        var taken = await ReceiveAsync(receiver, max: 2);

        await receiver.ReleaseAsync(taken, default);

        (await ReceiveAsync(receiver)).Select(Id).Should().Equal("a", "b", "c");
    }

    [Fact]
    public async Task PublishAsync_ChannelConsumerFallsBehind_DropsTheOldestAndCountsThem()
    {
        await using var transport = new InMemoryTransport { ChannelCapacity = 2 };
        var news = Destination.Channel("news");
        await using var receiver = await transport.CreateReceiverAsync(news, "g", "c1", s_options, default);

        var results = await PublishAsync(transport, news, "1", "2", "3", "4", "5");

        results.Select(r => r.Receivers).Should().OnlyContain(r => r == 1);
        (await ReceiveAsync(receiver)).Select(Id).Should().Equal("4", "5");
        receiver.Dropped.Should().Be(3);
        receiver.IsReliable.Should().BeFalse();
    }

    [Fact]
    public async Task PublishAsync_ChannelNobodyListensTo_ReachesNobodyButIsRecorded()
    {
        await using var transport = new InMemoryTransport();
        var news = Destination.Channel("news");

        var result = (await PublishAsync(transport, news, "a")).Single();

        result.Receivers.Should().Be(0);
        transport.Published(news).Select(e => e.Id).Should().Equal("a");
        transport.IsIdle.Should().BeTrue();
    }

    [Fact]
    public async Task ReceiveAsync_Pattern_DeliversWithTheChannelPublishedOn()
    {
        await using var transport = new InMemoryTransport();
        await using var receiver = await transport.CreateReceiverAsync(Destination.Pattern("shop:*"), "g", "c1", s_options, default);
        await PublishAsync(transport, Destination.Channel("shop:eu"), "a");
        await PublishAsync(transport, Destination.Channel("other"), "b");

        var delivery = (await ReceiveAsync(receiver)).Single();

        delivery.Destination.Should().Be(Destination.Channel("shop:eu"));
        transport.IsIdle.Should().BeFalse("a received message counts until it is finished");
        await receiver.AcknowledgeAsync([delivery], default);
        transport.IsIdle.Should().BeTrue();
        transport.Published(Destination.Pattern("shop:*")).Select(e => e.Id).Should().Equal("a");
    }

    private static MessageEnvelope Envelope(string id) => new() { Id = id, Type = "test", DataContentType = "application/json", Data = Encoding.UTF8.GetBytes("{}") };

    private static async Task<IReadOnlyList<PublishResult>> PublishAsync(InMemoryTransport transport, Destination destination, params string[] ids) =>
        await transport.PublishAsync(destination, [.. ids.Select(id => new OutgoingEnvelope(Envelope(id)))], default);

    private static async Task<List<Delivery>> ReceiveAsync(ITransportReceiver receiver, int max = 10)
    {
        var into = new List<Delivery>();
        await receiver.ReceiveAsync(into, max, default);
        return into;
    }

    private static string Id(Delivery delivery) => delivery.Envelope.Id;
}
