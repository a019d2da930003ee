using System.IO.Compression;
using System.Text;
using Herald.Codecs;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Codecs;

public sealed class MessageSizeTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private const int ExpandedBombSize = 256 * 1024 * 1024;

    [Fact]
    public async Task Publish_EncodedBodyOverMaxMessageSize_ThrowsMessageTooLargeAndWritesNothing()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Codecs.MaxMessageSize = 1024);

        var publish = () => bus.PublishAsync(Destination.Stream("notes"), new Note(new string('x', 5000))).AsTask();

        var error = (await publish.Should().ThrowAsync<MessageTooLargeException>()).Which;
        (error.Size, error.Limit).Should().Be((5011, 1024));
        (await bus.Redis!.StreamLengthAsync(bus.Keys.Stream("notes"))).Should().Be(0);
    }

    [Fact]
    public async Task Consume_OversizedEntryWrittenRaw_DeadLettersTooLarge()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Codecs.MaxMessageSize = 1024);
        var handled = new List<string>();
        await using var consumer = await bus.Consume(Destination.Stream("notes"), BusFixture.Fast)
            .Handle<Note>((c, _) => { lock (handled) { handled.Add(c.Message.Text); } return ValueTask.CompletedTask; })
            .StartAsync();

        var oversized = await bus.Redis!.ExecuteAsync("XADD", bus.Keys.Stream("notes"), "*", "id", "big-1", "type", "test.note",
            "datacontenttype", "application/json", "data", $$"""{"text":"{{new string('x', 4096)}}"}""");
        await bus.PublishAsync(Destination.Stream("notes"), new Note("small"));

        var dead = await BusFixture.DeadLetterAsync(bus, "notes");
        dead.GetString("dlq-reason").Should().Be("TooLarge");
        dead.GetString("dlq-origin-id").Should().Be(oversized.AsString());
        dead.GetString("dlq-error").Should().Be("The message is 4107 bytes; the limit is 1024.");
        await Wait.UntilAsync(() => { lock (handled) { return handled.Count == 1; } });
        handled.Should().Equal("small");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Consume_CompressionBomb_DeadLettersTooLarge(string encoding)
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var bomb = Bomb(encoding);
        bomb.Length.Should().BeLessThan(bus.Codec.MaxMessageSize, "the bomb passes the size check on the wire");
        await using var consumer = await bus.Consume(Destination.Stream("notes"), BusFixture.Fast)
            .Handle<Note>((_, _) => ValueTask.CompletedTask)
            .StartAsync();

        await bus.Redis!.StreamAddBytesAsync(bus.Keys.Stream("notes"),
        [
            new("id", Encoding.UTF8.GetBytes("bomb-1")),
            new("type", Encoding.UTF8.GetBytes("test.note")),
            new("datacontenttype", Encoding.UTF8.GetBytes("application/json")),
            new("contentencoding", Encoding.UTF8.GetBytes(encoding)),
            new("data", bomb),
        ]);

        var dead = await BusFixture.DeadLetterAsync(bus, "notes");
        dead.GetString("dlq-reason").Should().Be("TooLarge");
        dead.GetString("id").Should().Be("bomb-1");
    }

    [Fact]
    public void Unwrap_GzipBomb_StopsAtTheLimitWithoutExpandingIt()
    {
        var codec = new MessageCodec(new CodecOptions());
        var envelope = new MessageEnvelope { Id = "bomb", ContentEncoding = "gzip", DataContentType = "application/json", Data = Bomb("gzip") };
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var unwrap = () => codec.Unwrap(envelope);

        unwrap.Should().Throw<MessageTooLargeException>().Which.Limit.Should().Be(codec.MaxMessageSize);
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(16 * 1024 * 1024, $"decompression stops at the limit instead of expanding to {ExpandedBombSize} bytes");
    }

    // Small on the wire, huge expanded: gzip members of zeros concatenated, or one Brotli stream of zeros.
    private static byte[] Bomb(string encoding)
    {
        if (encoding == "br")
        {
            using var brotli = new MemoryStream();
            using (var stream = new BrotliStream(brotli, CompressionLevel.Fastest, leaveOpen: true))
            {
                var zeros = new byte[1024 * 1024];
                for (var i = 0; i < 64; i++)
                {
                    stream.Write(zeros);
                }
            }

            return brotli.ToArray();
        }

        using var member = new MemoryStream();
        using (var stream = new GZipStream(member, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            stream.Write(new byte[4 * 1024 * 1024]);
        }

        var one = member.ToArray();
        var copies = ExpandedBombSize / (4 * 1024 * 1024);
        var bomb = new byte[one.Length * copies];
        for (var i = 0; i < copies; i++)
        {
            one.CopyTo(bomb, i * one.Length);
        }

        return bomb;
    }
}
