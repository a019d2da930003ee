using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Herald.Codecs;
using Herald.Consuming;
using Herald.Tests.Codecs;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Interop;

/// <summary>Stream entries written by redis-cli and Python are consumed by Herald, and Herald's entries read by Python, as docs/wire-format.md says.</summary>
public sealed class StreamInteropTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task XAdd_RedisCliEntryWithOnlyData_HandledWithTheEntryIdAsMessageId()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var received = new TaskCompletionSource<MessageContext<OrderPlaced>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) => { received.TrySetResult(context); return ValueTask.CompletedTask; })
            .StartAsync();

        var entryId = await fixture.Server.CliAsync("XADD", bus.Keys.Stream("orders"), "*", "data", """{"orderId":"cli-1","amount":5}""");

        var context = await received.Task.WaitAsync(Wait.DefaultTimeout);
        context.Message.Should().Be(new OrderPlaced("cli-1", 5));
        context.MessageId.Should().Be(entryId, "an entry without an id field is identified by its entry id");
        context.MessageType.Should().BeEmpty("without a type the message goes to the consumer's only handler");
        context.PublishedAt.ToUnixTimeMilliseconds().Should().Be(long.Parse(entryId.Split('-')[0], CultureInfo.InvariantCulture), "the time comes from the entry id");
    }

    [Fact]
    public async Task XAdd_RedisCliEntryWithArbitraryFields_FieldsBecomeAJsonObjectBody()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var typed = new TaskCompletionSource<OrderPlaced>(TaskCreationOptions.RunContinuationsAsynchronously);
        var raw = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var orders = await bus.Consume(s_orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) => { typed.TrySetResult(context.Message); return ValueTask.CompletedTask; })
            .StartAsync();
        await using var readings = await bus.Consume(Destination.Stream("readings"), BusFixture.Fast)
            .HandleAny((context, _) => { raw.TrySetResult(Encoding.UTF8.GetString(context.Message.Span)); return ValueTask.CompletedTask; })
            .StartAsync();

        await fixture.Server.CliAsync("XADD", bus.Keys.Stream("orders"), "*", "orderId", "cli-2", "amount", "7.25");
        await fixture.Server.CliAsync("XADD", bus.Keys.Stream("readings"), "*", "sensor", "t-1", "celsius", "21.5");

        (await typed.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(new OrderPlaced("cli-2", 7.25m), "numbers are read from the fields' strings");
        (await raw.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be("""{"sensor":"t-1","celsius":"21.5"}""");
    }

    [Fact]
    public async Task XAdd_RedisCliEntryThatCannotBeRead_DeadLetteredInTheEnvelopeForm()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();

        var entryId = await fixture.Server.CliAsync("XADD", bus.Keys.Stream("orders"), "*", "datacontenttype", "application/json", "data", "{not json");

        var dead = await BusFixture.DeadLetterAsync(bus, "orders");
        dead.Names().Should().StartWith(["id", "type", "time"]).And.Contain(["data", "dlq-reason", "dlq-origin-id"]);
        dead.GetString("id").Should().Be(entryId);
        dead.GetString("type").Should().BeEmpty();
        dead.GetString("data").Should().Be("{not json");
        dead.GetString("dlq-reason").Should().Be("Undecodable");
        dead.GetString("dlq-origin-id").Should().Be(entryId);
    }

    [PythonFact]
    public async Task XAdd_PythonFullEnvelope_HandledWithEveryAttribute()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var received = new ConcurrentDictionary<string, MessageContext<OrderPlaced>>();
        await using var consumer = await bus.Consume(s_orders, BusFixture.Fast)
            .Handle<OrderPlaced>((context, _) => { received[context.MessageId] = context; return ValueTask.CompletedTask; })
            .StartAsync();

        await Python.RunAsync(PythonScripts.AddEnvelopes, "redis", fixture.Server, bus.Keys.Stream("orders"));

        await Wait.UntilAsync(() => received.Count == 2, because: "both Python entries are handled");
        var plain = received["py-1"];
        plain.Message.Should().Be(new OrderPlaced("py-1", 12.5m));
        plain.MessageType.Should().Be("test.order.placed");
        plain.Envelope.Source.Should().Be("python-producer");
        plain.PublishedAt.Should().Be(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero));
        plain.Envelope.TraceParent.Should().Be("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        plain.PartitionKey.Should().Be("customer-7");
        plain.Headers.Should().Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["trace-tag"] = "blue" });
        plain.Attempt.Should().Be(1);
        var compressed = received["py-2"];
        compressed.Message.Should().Be(new OrderPlaced("py-2", 3));
        compressed.Envelope.ContentEncoding.Should().Be("gzip");
        compressed.Attempt.Should().Be(2);
    }

    [PythonFact]
    public async Task Publish_HeraldEntries_PythonReadsFieldsAndBodies()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o =>
        {
            o.Source = "shop-service";
            o.Codecs.Compression = new GzipCompressor();
            o.Codecs.CompressionThreshold = 512;
        });
        var order = await bus.PublishAsync(s_orders, new OrderPlaced("h-1", 9.5m), new PublishOptions { Key = "customer-9", Headers = new Dictionary<string, string> { ["tenant"] = "acme" } });
        var note = await bus.PublishAsync(s_orders, new Note(new string('n', 2000)));

        var output = await Python.RunAsync(PythonScripts.ReadEntries, "redis", fixture.Server, bus.Keys.Stream("orders"));

        var entries = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        entries.Should().HaveCount(2);
        var first = entries[0];
        first.GetProperty("entry").GetString().Should().Be(order.EntryId);
        Names(first).Where(n => n != "traceparent").Should().Equal(["id", "type", "time", "source", "datacontenttype", "partitionkey", "h-tenant", "data"], "a trace parent is there only when tracing listens");
        var fields = first.GetProperty("fields");
        fields.GetProperty("id").GetString().Should().Be(order.MessageId);
        fields.GetProperty("type").GetString().Should().Be("test.order.placed");
        fields.GetProperty("source").GetString().Should().Be("shop-service");
        fields.GetProperty("datacontenttype").GetString().Should().Be("application/json");
        fields.GetProperty("partitionkey").GetString().Should().Be("customer-9");
        fields.GetProperty("h-tenant").GetString().Should().Be("acme");
        DateTimeOffset.Parse(fields.GetProperty("time").GetString()!, CultureInfo.InvariantCulture).Should().BeCloseTo(TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(1));
        first.GetProperty("body").GetRawText().Should().Be("""{"orderId": "h-1", "amount": 9.5}""");
        var second = entries[1];
        second.GetProperty("entry").GetString().Should().Be(note.EntryId);
        second.GetProperty("fields").GetProperty("contentencoding").GetString().Should().Be("gzip");
        second.GetProperty("body").GetProperty("text").GetString().Should().HaveLength(2000, "Python gunzips the body as contentencoding says");
    }

    [PythonFact(Modules = "redis, cryptography")]
    public async Task Publish_EncryptedEntry_PythonDecryptsWithTheDocumentedLayout()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Codecs.Encryption = new EncryptionKeyRing().Add("2024-q2", key));
        var published = await bus.PublishAsync(s_orders, new Note("top secret"));

        var output = await Python.RunAsync(PythonScripts.DecryptEntry, "redis, cryptography", fixture.Server, bus.Keys.Stream("orders"), Convert.ToBase64String(key));

        var result = JsonDocument.Parse(output).RootElement;
        result.GetProperty("id").GetString().Should().Be(published.MessageId);
        result.GetProperty("keyid").GetString().Should().Be("2024-q2");
        result.GetProperty("plaintext").GetString().Should().Be("""{"text":"top secret"}""");
    }

    private static IEnumerable<string?> Names(JsonElement entry) => entry.GetProperty("names").EnumerateArray().Select(n => n.GetString());
}
