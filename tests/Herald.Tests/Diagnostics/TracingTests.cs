using System.Diagnostics;
using Herald.Diagnostics;
using Herald.TestKit;
using Herald.Tests.Streams;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Herald.Tests.Diagnostics;

/// <summary>
/// Producer and consumer spans collected in-process by the OpenTelemetry SDK: the consumer span is the
/// child of the producer span across a real Redis round trip, through the envelope's traceparent.
/// </summary>
public sealed class TracingTests : IClassFixture<BusFixture>, IDisposable
{
    private readonly BusFixture _fixture;
    private readonly SpanCollector _collector = new();
    private readonly TracerProvider _provider;

    public TracingTests(BusFixture fixture)
    {
        _fixture = fixture;
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(HeraldDiagnostics.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(_collector)
            .Build();
    }

    public static TheoryData<string> Kinds => new() { "stream", "queue", "channel" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Publish_RoundTripThroughRedis_ConsumerSpanIsChildOfProducerSpan(string kind)
    {
        await using var bus = await _fixture.CreateBusAsync(_fixture.NewPrefix());
        var destination = Destination.Parse($"{kind}:{Unique("traced")}");
        await using var consumer = await bus.Consume(destination, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishAsync(destination, new OrderPlaced("a", 1));

        var process = await Collector.SingleAsync($"process {destination.Name}");
        var publish = Collector.Single($"publish {destination.Name}");
        publish.Kind.Should().Be(ActivityKind.Producer);
        process.Kind.Should().Be(ActivityKind.Consumer);
        process.TraceId.Should().Be(publish.TraceId);
        process.ParentSpanId.Should().Be(publish.SpanId);
        process.HasRemoteParent.Should().BeTrue("the context came through Redis");
        publish.GetTagItem("messaging.system").Should().Be("redis");
        publish.GetTagItem("messaging.operation.type").Should().Be("send");
        publish.GetTagItem("messaging.destination.name").Should().Be(destination.Name);
        publish.GetTagItem("herald.destination.kind").Should().Be(kind);
        process.GetTagItem("messaging.operation.type").Should().Be("process");
        process.GetTagItem("messaging.destination.name").Should().Be(destination.Name);
        process.GetTagItem("messaging.consumer.group.name").Should().Be(consumer.Group);
        process.GetTagItem("messaging.message.id").Should().Be(publish.GetTagItem("messaging.message.id"));
        process.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task PublishBatch_ThreeMessages_EachConsumerSpanIsChildOfTheOneProducerSpan()
    {
        await using var bus = await _fixture.CreateBusAsync(_fixture.NewPrefix());
        var destination = Destination.Stream(Unique("batch"));
        await using var consumer = await bus.Consume(destination, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.PublishBatchAsync(destination, [new OrderPlaced("a", 1), new OrderPlaced("b", 2), new OrderPlaced("c", 3)]);

        var processed = await Collector.AllAsync($"process {destination.Name}", 3);
        var publish = Collector.Single($"publish {destination.Name}");
        publish.GetTagItem("messaging.batch.message_count").Should().Be(3);
        processed.Should().OnlyContain(span => span.TraceId == publish.TraceId && span.ParentSpanId == publish.SpanId);
    }

    [Fact]
    public async Task Publish_InsideSpanWithTraceState_TraceStateReachesTheConsumer()
    {
        await using var bus = await _fixture.CreateBusAsync(_fixture.NewPrefix());
        var destination = Destination.Queue(Unique("state"));
        await using var consumer = await bus.Consume(destination, BusFixture.Fast)
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        using (var request = new Activity("incoming request"))
        {
            request.SetIdFormat(ActivityIdFormat.W3C);
            request.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            request.TraceStateString = "congo=t61rcWkgMzE";
            request.Start();
            await bus.PublishAsync(destination, new OrderPlaced("a", 1));
        }

        var process = await Collector.SingleAsync($"process {destination.Name}");
        var publish = Collector.Single($"publish {destination.Name}");
        process.ParentSpanId.Should().Be(publish.SpanId);
        process.TraceStateString.Should().Be("congo=t61rcWkgMzE");
    }

    [Fact]
    public async Task Consume_HandlerThrows_ConsumerSpanHasErrorStatusAndType()
    {
        await using var bus = await _fixture.CreateBusAsync(_fixture.NewPrefix());
        var destination = Destination.Stream(Unique("failing"));
        await using var consumer = await bus.Consume(destination, o =>
            {
                BusFixture.Fast(o);
                o.Retry.MaxDeliveries = 1;
            })
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("cannot bill"))
            .StartAsync();

        await bus.PublishAsync(destination, new OrderPlaced("a", 1));

        var process = await Collector.SingleAsync($"process {destination.Name}");
        process.Status.Should().Be(ActivityStatusCode.Error);
        process.StatusDescription.Should().Be("cannot bill");
        process.GetTagItem("error.type").Should().Be(typeof(InvalidOperationException).FullName);
    }

    public void Dispose() => _provider.Dispose();

    private SpanCollector Collector => _collector;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
