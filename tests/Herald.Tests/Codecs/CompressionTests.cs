using System.Text;
using Herald.Codecs;

namespace Herald.Tests.Codecs;

public sealed class CompressionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Compression_BodyAtOrAboveThreshold_CompressedAndNamedInContentEncoding(string name)
    {
        await using var bus = await CompressingBusAsync(name);
        var large = new Note(string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"word{i % 50}")));

        var (received, entry) = await RoundTrip.SendAsync(bus, large);

        received.Should().Be(large);
        entry.GetString("contentencoding").Should().Be(name);
        entry.Bytes("data").Length.Should().BeLessThan(Encoding.UTF8.GetByteCount(large.Text) / 4, "repetitive text compresses well");
        entry.GetString("datacontenttype").Should().Be("application/json", "the content type names the serialised form, before compression");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Compression_BodyBelowThreshold_StoredAsIsWithoutContentEncoding(string name)
    {
        await using var bus = await CompressingBusAsync(name);
        var small = new Note(new string('a', 100));

        var (received, entry) = await RoundTrip.SendAsync(bus, small);

        received.Should().Be(small);
        entry.Names().Should().NotContain("contentencoding");
        entry.GetString("data").Should().Be($$"""{"text":"{{small.Text}}"}""");
    }

    [Fact]
    public async Task Compression_ConsumerWithoutCompressionConfigured_StillDecompressesByTheEnvelope()
    {
        var prefix = fixture.NewPrefix();
        await using var producer = await fixture.CreateBusAsync(prefix, o =>
        {
            o.Codecs.Compression = new BrotliCompressor();
            o.Codecs.CompressionThreshold = 0;
        });
        await using var consumer = await fixture.CreateBusAsync(prefix);
        var note = new Note("compressed by the producer only");

        var (received, entry) = await RoundTrip.SendAsync(producer, note, consumer);

        received.Should().Be(note);
        entry.GetString("contentencoding").Should().Be("br");
    }

    private Task<HeraldClient> CompressingBusAsync(string name, [System.Runtime.CompilerServices.CallerMemberName] string test = "") =>
        fixture.CreateBusAsync(fixture.NewPrefix(test), o =>
        {
            o.Codecs.Compression = name == "gzip" ? new GzipCompressor() : new BrotliCompressor();
            o.Codecs.CompressionThreshold = 1024;
        });
}
