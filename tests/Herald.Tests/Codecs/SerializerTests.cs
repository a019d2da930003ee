using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf.WellKnownTypes;
using Herald.Codecs;

namespace Herald.Tests.Codecs;

[HeraldMessage("test.invoice")]
public sealed record Invoice(string Number, decimal Total, IReadOnlyList<InvoiceLine> Lines);

public sealed record InvoiceLine(string Sku, int Quantity);

[HeraldMessage("test.note")]
public sealed record Note(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Invoice))]
internal sealed partial class InvoiceJsonContext : JsonSerializerContext;

public sealed class SerializerTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task Json_SourceGeneratedContext_RoundTripsWithoutReflection()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Codecs.DefaultSerializer = new JsonMessageSerializer(InvoiceJsonContext.Default.Options));
        var invoice = new Invoice("INV-1", 12.5m, [new InvoiceLine("A", 2), new InvoiceLine("B", 1)]);

        var (received, entry) = await RoundTrip.SendAsync(bus, invoice);

        received.Should().BeEquivalentTo(invoice);
        entry.GetString("type").Should().Be("test.invoice");
        entry.GetString("datacontenttype").Should().Be("application/json");
        entry.GetString("data").Should().Be("""{"number":"INV-1","total":12.5,"lines":[{"sku":"A","quantity":2},{"sku":"B","quantity":1}]}""");
        var unregistered = () => bus.PublishAsync(Destination.Stream("events"), new Note("not in the context")).AsTask();
        await unregistered.Should().ThrowAsync<NotSupportedException>("only the context's types serialise: nothing falls back to reflection");
    }

    [Fact]
    public async Task Protobuf_WellKnownTypes_RoundTripAsProtobuf()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var document = new Struct
        {
            Fields =
            {
                ["order"] = Value.ForString("A-1"),
                ["amount"] = Value.ForNumber(42.5),
                ["tags"] = Value.ForList(Value.ForString("new"), Value.ForBool(true)),
            },
        };
        var time = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var text = new StringValue { Value = "héllo ✓" };

        var (receivedDocument, documentEntry) = await RoundTrip.SendAsync(bus, document, stream: "documents");
        var (receivedTime, timeEntry) = await RoundTrip.SendAsync(bus, time, stream: "times");
        var (receivedText, textEntry) = await RoundTrip.SendAsync(bus, text, stream: "texts");

        receivedDocument.Should().Be(document);
        receivedTime.Should().Be(time);
        receivedText.Should().Be(text);
        documentEntry.GetString("type").Should().Be("Google.Protobuf.WellKnownTypes.Struct");
        new[] { documentEntry, timeEntry, textEntry }.Select(e => e.GetString("datacontenttype")).Should().OnlyContain(t => t == "application/x-protobuf");
        Struct.Parser.ParseFrom(documentEntry.Bytes("data")).Should().Be(document, "the body is the message's protobuf encoding");
    }

    [Fact]
    public async Task Raw_BytesAndStrings_StoredAndDeliveredUnchanged()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        const string text = "héllo ✓ 日本語";

        var (receivedBytes, bytesEntry) = await RoundTrip.SendAsync(bus, bytes, stream: "bytes");
        var (receivedText, textEntry) = await RoundTrip.SendAsync(bus, text, stream: "texts");
        var (receivedMemory, memoryEntry) = await RoundTrip.SendAsync(bus, new ReadOnlyMemory<byte>(bytes), stream: "memory");

        receivedBytes.Should().Equal(bytes);
        bytesEntry.Bytes("data").Should().Equal(bytes);
        bytesEntry.GetString("datacontenttype").Should().Be("application/octet-stream");
        bytesEntry.GetString("type").Should().Be("System.Byte[]");
        receivedText.Should().Be(text);
        textEntry.Bytes("data").Should().Equal(Encoding.UTF8.GetBytes(text));
        textEntry.GetString("type").Should().Be("System.String");
        receivedMemory.ToArray().Should().Equal(bytes);
        memoryEntry.GetString("type").Should().Be("System.ReadOnlyMemory<System.Byte>", "a wire type never carries an assembly version");
    }
}
