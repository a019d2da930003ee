using System.Runtime.CompilerServices;
using Herald.Inspection;
using Herald.Redis.Commands;
using Herald.TestKit;
using Herald.Workers;

namespace Herald.Tests.Inspection;

public sealed class ThroughputHistoryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(5);
    private static readonly Destination s_orders = Destination.Stream("orders");
    private static readonly Destination s_emails = Destination.Queue("emails");
    private static readonly DateTimeOffset s_tenOClock = new(2030, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetThroughputAsync_BusPublishesAndConsumes_PointsAddUpToWhatItPublishedProcessedAndFailed()
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);
        await using var consumer = await bus.Consume(s_orders, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 1;
            })
            .Handle<WorkItem>(static (c, _) => c.Message.Fail ? throw new InvalidOperationException("refused") : ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishBatchAsync(s_orders, [.. Enumerable.Range(0, 10).Select(i => new OutgoingMessage<WorkItem>(new WorkItem(i, Fail: i < 3)))]);
        await bus.PublishAsync(s_emails, new WorkItem(10, Fail: false));
        await bus.PublishAsync(s_emails, new WorkItem(11, Fail: false));

        await Wait.UntilAsync(async () => Sum(await inspector.GetThroughputAsync(s_orders, s_window)) == (10, 7, 3), because: "the orders' counts reach the history");
        Sum(await inspector.GetThroughputAsync(s_emails, s_window)).Should().Be((2, 0, 0));
        await Wait.UntilAsync(async () => Sum(await inspector.GetTotalThroughputAsync(s_window)) == (12, 7, 3), because: "the totals count every destination");
        (await inspector.GetThroughputByDestinationAsync(s_window)).Should().Equal(
            new DestinationThroughput(s_emails, 2, 0, 0),
            new DestinationThroughput(s_orders, 10, 7, 3));
    }

    [Fact]
    public async Task GetThroughputAsync_Window_OneAlignedPointPerMinuteEndingWithTheCurrentOne()
    {
        await using var bus = await CreateBusAsync();
        var clock = new SettableClock(s_tenOClock.AddSeconds(42));
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys, timeProvider: clock);

        var points = await inspector.GetThroughputAsync(s_orders, TimeSpan.FromSeconds(150));

        points.Select(p => p.Minute).Should().Equal(s_tenOClock.AddMinutes(-2), s_tenOClock.AddMinutes(-1), s_tenOClock);
        points.Should().OnlyContain(p => p.Published == 0 && p.Processed == 0 && p.Failed == 0);
    }

    [Fact]
    public async Task GetThroughputAsync_CountsFlushedInDifferentMinutes_LandInTheirMinutesWithZerosBetween()
    {
        await using var bus = await CreateBusAsync();
        var clock = new SettableClock(s_tenOClock.AddSeconds(30));
        var recorder = new ThroughputRecorder(bus.Redis!, bus.Keys, TimeSpan.FromHours(1), clock);
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys, timeProvider: clock);

        recorder.AddPublished(s_orders, 3);
        recorder.AddPublished(s_emails, 1);
        await recorder.FlushAsync(CancellationToken.None);
        clock.Now = s_tenOClock.AddMinutes(2).AddSeconds(59);
        recorder.AddPublished(s_orders, 5);
        recorder.AddConsumed(s_orders, processed: 4, failed: 1);
        await recorder.FlushAsync(CancellationToken.None);

        (await inspector.GetThroughputAsync(s_orders, TimeSpan.FromMinutes(4))).Should().Equal(
            new ThroughputPoint(s_tenOClock.AddMinutes(-1), 0, 0, 0),
            new ThroughputPoint(s_tenOClock, 3, 0, 0),
            new ThroughputPoint(s_tenOClock.AddMinutes(1), 0, 0, 0),
            new ThroughputPoint(s_tenOClock.AddMinutes(2), 5, 4, 1));
        (await inspector.GetTotalThroughputAsync(TimeSpan.FromMinutes(4))).Select(p => p.Published).Should().Equal(0, 4, 0, 5);
    }

    [Fact]
    public async Task FlushAsync_NothingCountedSinceTheLastFlush_WritesNothing()
    {
        await using var bus = await CreateBusAsync();
        var clock = new SettableClock(s_tenOClock);
        var recorder = new ThroughputRecorder(bus.Redis!, bus.Keys, TimeSpan.FromHours(1), clock);
        recorder.AddPublished(s_orders, 2);
        await recorder.FlushAsync(CancellationToken.None);
        clock.Now = s_tenOClock.AddMinutes(1);

        await recorder.FlushAsync(CancellationToken.None);

        (await bus.Redis!.KeyExistsAsync(bus.Keys.Throughput(clock.Now))).Should().BeFalse();
        (await bus.Redis!.HashGetAsync(bus.Keys.Throughput(s_tenOClock), "published:stream:orders")).Should().Be("2");
    }

    [Fact]
    public async Task FlushAsync_Retention_MinuteExpiresRetentionAfterItsEnd()
    {
        await using var bus = await CreateBusAsync();
        var clock = new SettableClock(s_tenOClock.AddSeconds(20));
        var recorder = new ThroughputRecorder(bus.Redis!, bus.Keys, TimeSpan.FromHours(2), clock);
        recorder.AddConsumed(s_orders, processed: 1, failed: 0);

        await recorder.FlushAsync(CancellationToken.None);

        var ttl = await bus.Redis!.KeyTimeToLiveAsync(bus.Keys.Throughput(s_tenOClock));
        ttl.Should().NotBeNull();
        ttl!.Value.Should().BeCloseTo(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DisposeAsync_CountsNotYetFlushed_FlushesThemBeforeClosing()
    {
        // An interval far longer than the test: only the final flush on dispose can write the counts.
        var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.WorkerHeartbeatInterval = TimeSpan.FromMinutes(5));
        await using var redis = await Herald.Redis.RedisClient.ConnectAsync(fixture.Url);
        var inspector = new HeraldInspector(redis, bus.Keys);
        await bus.PublishBatchAsync(s_emails, [new WorkItem(1, Fail: false), new WorkItem(2, Fail: false)]);

        await bus.DisposeAsync();

        Sum(await inspector.GetThroughputAsync(s_emails, s_window)).Should().Be((2, 0, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31 * 24 * 60 + 1)]
    public async Task GetThroughputAsync_WindowOutOfRange_Throws(int minutes)
    {
        await using var bus = await CreateBusAsync();
        var inspector = new HeraldInspector(bus.Redis!, bus.Keys);

        await inspector.Invoking(i => i.GetThroughputAsync(s_orders, TimeSpan.FromMinutes(minutes)).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Validate_ThroughputRetentionBelowAMinute_NamesTheSetting()
    {
        var options = new HeraldOptions { ThroughputRetention = TimeSpan.FromSeconds(59) };

        options.Invoking(o => o.Validate()).Should().Throw<InvalidOptionException>().WithMessage("*ThroughputRetention*");
    }

    private static (long Published, long Processed, long Failed) Sum(IReadOnlyList<ThroughputPoint> points) =>
        (points.Sum(p => p.Published), points.Sum(p => p.Processed), points.Sum(p => p.Failed));

    private Task<HeraldClient> CreateBusAsync([CallerMemberName] string test = "") =>
        fixture.CreateBusAsync(fixture.NewPrefix(test), o => o.WorkerHeartbeatInterval = TimeSpan.FromMilliseconds(100));
}
