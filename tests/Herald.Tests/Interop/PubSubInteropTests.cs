using System.Globalization;
using System.Text.Json;
using Herald.Messages;
using Herald.Redis.Commands;
using Herald.Redis.PubSub;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Interop;

/// <summary>
/// The framed form (CloudEvents structured JSON) between Herald and Python over Redis Pub/Sub: Herald's
/// side frames and reads with <see cref="EnvelopeFormat"/> and its Redis subscriber, as the Pub/Sub
/// transport does.
/// </summary>
public sealed class PubSubInteropTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [PythonFact]
    public async Task Publish_PythonCloudEvents_ReadAsHeraldEnvelopes()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var channel = $"interop:{Guid.NewGuid():N}";
        await using var subscription = await bus.Redis!.Subscriber.SubscribeAsync(channel);

        var receivers = await Python.RunAsync(PythonScripts.PublishCloudEvents, "redis", fixture.Server, channel);

        receivers.Should().Be("[1, 1, 1]");
        var frames = new List<PubSubMessage>();
        using var timeout = new CancellationTokenSource(Wait.DefaultTimeout);
        while (frames.Count < 3)
        {
            frames.Add(await subscription.Reader.ReadAsync(timeout.Token));
        }

        var envelopes = frames.Select(f => EnvelopeFormat.FromFramed(f.Payload, () => "fresh-id", DateTimeOffset.UnixEpoch)).ToList();
        var order = envelopes[0];
        (order.Id, order.Type, order.Source, order.PartitionKey).Should().Be(("py-ce-1", "test.order.placed", "python-producer", "customer-7"));
        order.Time.Should().Be(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        order.Headers.Should().Equal(new Dictionary<string, string> { ["tenant"] = "acme" }, "unknown extension attributes are ignored");
        bus.Codec.Decode(order, typeof(OrderPlaced)).Should().Be(new OrderPlaced("py-ce-1", 12.5m));
        var blob = envelopes[1];
        (blob.Id, blob.DataContentType).Should().Be(("py-ce-2", "application/octet-stream"));
        blob.Data.ToArray().Should().Equal(0, 1, 254, 255);
        var plain = envelopes[2];
        (plain.Id, plain.Type, plain.DataContentType).Should().Be(("fresh-id", string.Empty, "application/json"), "a message that is not a CloudEvent is a body with a fresh id");
        bus.Codec.Decode(plain, typeof(OrderPlaced)).Should().Be(new OrderPlaced("py-plain", 1));
    }

    [PythonFact]
    public async Task Publish_HeraldFramedEnvelopes_PythonParsesTheCloudEvents()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Source = "shop-service");
        var channel = $"interop:{Guid.NewGuid():N}";
        var python = Python.RunAsync(PythonScripts.SubscribeCloudEvents, "redis", fixture.Server, channel, "2");
        await Wait.UntilAsync(async () => python.IsCompleted || (await bus.Redis!.SubscriberCountsAsync([channel]))[channel] == 1, because: "the Python subscriber listens");
        var order = bus.CreateEnvelope(new OrderPlaced("h-1", 9.5m), typeof(OrderPlaced), new PublishOptions { Key = "customer-9", Headers = new Dictionary<string, string> { ["tenant"] = "acme" } }, null);
        var blob = bus.CreateEnvelope(new byte[] { 0, 1, 254, 255 }, typeof(byte[]), null, null);

        await bus.Redis!.PublishAsync(channel, EnvelopeFormat.ToFramed(order));
        await bus.Redis!.PublishAsync(channel, EnvelopeFormat.ToFramed(blob));

        var events = JsonDocument.Parse(await python).RootElement.EnumerateArray().ToList();
        events.Should().HaveCount(2);
        var first = events[0];
        Text(first, "specversion").Should().Be("1.0");
        Text(first, "id").Should().Be(order.Id);
        Text(first, "type").Should().Be("test.order.placed");
        Text(first, "source").Should().Be("shop-service");
        DateTimeOffset.Parse(Text(first, "time")!, CultureInfo.InvariantCulture).Should().Be(order.Time);
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
