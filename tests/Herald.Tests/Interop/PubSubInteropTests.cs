using System.Globalization;
using System.Text.Json;
using Herald.Messages;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Interop;

/// <summary>
/// The framed form (CloudEvents structured JSON) between Herald and Python over Redis Pub/Sub, through the
/// bus itself: Herald publishes to and consumes from <see cref="Destination.Channel"/>.
/// </summary>
public sealed class PubSubInteropTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [PythonFact]
    public async Task Publish_PythonCloudEvents_ReadAsHeraldEnvelopes()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var channel = $"interop:{Guid.NewGuid():N}";
        var received = new System.Collections.Concurrent.ConcurrentQueue<MessageEnvelope>();
        await using var consumer = await bus.Consume(Destination.Channel(channel), BusFixture.Fast)
            .HandleAny((message, _) => { received.Enqueue(message.Envelope); return ValueTask.CompletedTask; })
            .StartAsync();

        var receivers = await Python.RunAsync(PythonScripts.PublishCloudEvents, "redis", fixture.Server, channel);

        receivers.Should().Be("[1, 1, 1]");
        await Wait.UntilAsync(() => received.Count == 3, because: "the bus delivers all three Python messages");
        var envelopes = received.ToList();
        var order = envelopes[0];
        (order.Id, order.Type, order.Source, order.PartitionKey).Should().Be(("py-ce-1", "test.order.placed", "python-producer", "customer-7"));
        order.Time.Should().Be(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        order.Headers.Should().Equal(new Dictionary<string, string> { ["tenant"] = "acme" }, "unknown extension attributes are ignored");
        bus.Codec.Decode(order, typeof(OrderPlaced)).Should().Be(new OrderPlaced("py-ce-1", 12.5m));
        var blob = envelopes[1];
        (blob.Id, blob.DataContentType).Should().Be(("py-ce-2", "application/octet-stream"));
        blob.Data.ToArray().Should().Equal(0, 1, 254, 255);
        var plain = envelopes[2];
        plain.Id.Should().NotBeNullOrEmpty("a message that is not a CloudEvent gets a fresh id");
        (plain.Type, plain.DataContentType).Should().Be((string.Empty, "application/json"), "a message that is not a CloudEvent is a body");
        bus.Codec.Decode(plain, typeof(OrderPlaced)).Should().Be(new OrderPlaced("py-plain", 1));
    }

    [PythonFact]
    public async Task Publish_HeraldFramedEnvelopes_PythonParsesTheCloudEvents()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Source = "shop-service");
        var channel = $"interop:{Guid.NewGuid():N}";
        var python = Python.RunAsync(PythonScripts.SubscribeCloudEvents, "redis", fixture.Server, channel, "2");
        await Wait.UntilAsync(async () => python.IsCompleted || (await bus.Redis!.SubscriberCountsAsync([channel]))[channel] == 1, because: "the Python subscriber listens");
        var before = TimeProvider.System.GetUtcNow();
        var order = await bus.PublishAsync(Destination.Channel(channel), new OrderPlaced("h-1", 9.5m),
            new PublishOptions { Key = "customer-9", Headers = new Dictionary<string, string> { ["tenant"] = "acme" } });
        var blob = await bus.PublishAsync(Destination.Channel(channel), new byte[] { 0, 1, 254, 255 });
        order.Receivers.Should().Be(1);
        blob.Receivers.Should().Be(1);

        var events = JsonDocument.Parse(await python).RootElement.EnumerateArray().ToList();
        events.Should().HaveCount(2);
        var first = events[0];
        Text(first, "specversion").Should().Be("1.0");
        Text(first, "id").Should().Be(order.MessageId);
        Text(first, "type").Should().Be("test.order.placed");
        Text(first, "source").Should().Be("shop-service");
        DateTimeOffset.Parse(Text(first, "time")!, CultureInfo.InvariantCulture).Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(TimeProvider.System.GetUtcNow());
        Text(first, "datacontenttype").Should().Be("application/json");
        Text(first, "partitionkey").Should().Be("customer-9");
        first.GetProperty("heraldheaders").GetProperty("tenant").GetString().Should().Be("acme");
        first.GetProperty("data").GetRawText().Should().Be("""{"orderId": "h-1", "amount": 9.5}""", "a JSON body is embedded as JSON");
        var second = events[1];
        Text(second, "datacontenttype").Should().Be("application/octet-stream");
        Text(second, "data_base64").Should().Be("AAH+/w==", "any other body travels in base64");
        second.TryGetProperty("data", out _).Should().BeFalse();
    }

    private static string? Text(JsonElement element, string name) => element.GetProperty(name).GetString();
}
