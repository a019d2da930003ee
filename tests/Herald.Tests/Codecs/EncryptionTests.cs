using System.Security.Cryptography;
using System.Text;
using Herald.Codecs;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Codecs;

public sealed class EncryptionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly byte[] s_key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] s_key2 = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task Encryption_SharedKey_StoresCiphertextAndConsumerDecrypts()
    {
        var prefix = fixture.NewPrefix();
        await using var producer = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key1));
        await using var consumer = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key1));
        var secret = new Note("the launch code is 1234");

        var (received, entry) = await RoundTrip.SendAsync(producer, secret, consumer);

        received.Should().Be(secret);
        entry.GetString("contentencoding").Should().Be("aes256gcm");
        entry.GetString("keyid").Should().Be("k1");
        Encoding.UTF8.GetString(entry.Bytes("data")).Should().NotContain("launch code");
        entry.Bytes("data").Length.Should().Be(12 + 16 + Encoding.UTF8.GetByteCount("""{"text":"the launch code is 1234"}"""), "nonce, tag, then the ciphertext");
    }

    [Fact]
    public async Task Encryption_WithCompression_CompressesThenEncrypts()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o =>
        {
            o.Codecs.Compression = new GzipCompressor();
            o.Codecs.CompressionThreshold = 0;
            o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key1);
        });
        var note = new Note(new string('z', 5000));

        var (received, entry) = await RoundTrip.SendAsync(bus, note);

        received.Should().Be(note);
        entry.GetString("contentencoding").Should().Be("gzip,aes256gcm", "the steps are listed in the order they were applied");
        entry.Bytes("data").Length.Should().BeLessThan(500);
    }

    [Fact]
    public async Task Encryption_KeyRotated_OldMessagesStillDecryptAndNewOnesUseTheNewKey()
    {
        var prefix = fixture.NewPrefix();
        var orders = Destination.Stream("orders");
        var producerRing = new EncryptionKeyRing().Add("k1", s_key1);
        await using var producer = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = producerRing);
        await using var consumerBus = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key1).Add("k2", s_key2, makeCurrent: true));
        var before = await producer.PublishAsync(orders, new Note("before rotation"));

        producerRing.Add("k2", s_key2, makeCurrent: true);
        var after = await producer.PublishAsync(orders, new Note("after rotation"));

        var received = new List<string>();
        await using (var consumer = await consumerBus.Consume(orders, BusFixture.Fast)
            .Handle<Note>((c, _) => { lock (received) { received.Add(c.Message.Text); } return ValueTask.CompletedTask; })
            .StartAsync())
        {
            await Wait.UntilAsync(() => { lock (received) { return received.Count == 2; } }, because: "both keys decrypt");
        }

        received.Should().BeEquivalentTo("before rotation", "after rotation");
        (await RoundTrip.EntryAsync(producer, "orders", before.EntryId!)).GetString("keyid").Should().Be("k1");
        (await RoundTrip.EntryAsync(producer, "orders", after.EntryId!)).GetString("keyid").Should().Be("k2");
        producerRing.Remove("k1").Should().BeTrue("a retired key can go once its messages are consumed");
        var removeCurrent = () => producerRing.Remove("k2");
        removeCurrent.Should().Throw<InvalidOperationException>().WithMessage("*make another key current*");
    }

    [Theory]
    [InlineData(false, "*has no key ring*")]
    [InlineData(true, "*key 'k1', which is not in the key ring*")]
    public async Task Encryption_ConsumerWithoutTheKey_DeadLettersUndecodable(bool consumerHasOtherKey, string error)
    {
        var prefix = fixture.NewPrefix();
        await using var producer = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key1));
        await using var consumerBus = await fixture.CreateBusAsync(prefix, o => o.Codecs.Encryption = consumerHasOtherKey ? new EncryptionKeyRing().Add("k2", s_key2) : null);
        var handled = 0;
        await using var consumer = await consumerBus.Consume(Destination.Stream("orders"), BusFixture.Fast)
            .Handle<Note>((_, _) => { Interlocked.Increment(ref handled); return ValueTask.CompletedTask; })
            .StartAsync();

        var published = await producer.PublishAsync(Destination.Stream("orders"), new Note("secret"));

        var dead = await BusFixture.DeadLetterAsync(consumerBus, "orders");
        dead.GetString("dlq-reason").Should().Be("Undecodable");
        dead.GetString("dlq-error").Should().Match(error);
        dead.GetString("dlq-origin-id").Should().Be(published.EntryId);
        dead.GetString("keyid").Should().Be("k1", "the dead letter keeps the envelope, so it can be replayed once the key is there");
        Volatile.Read(ref handled).Should().Be(0);
    }

    [Fact]
    public async Task Encryption_TamperedCiphertextOrId_DeadLettersUndecodable()
    {
        var ring = new EncryptionKeyRing().Add("k1", s_key1);
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Codecs.Encryption = ring);
        var orders = Destination.Stream("orders");
        var stream = bus.Keys.Stream("orders");
        var original = await bus.PublishAsync(orders, new Note("pay 10 EUR"));
        var fields = (await RoundTrip.EntryAsync(bus, "orders", original.EntryId!)).Fields;
        var flippedBody = await bus.Redis!.StreamAddBytesAsync(stream, Replace(fields, "data", data => { data[^1] ^= 0x01; return data; }));
        var otherId = await bus.Redis!.StreamAddBytesAsync(stream, Replace(fields, "id", _ => Encoding.UTF8.GetBytes("another-message-id")));
        var handled = new List<string>();

        await using var consumer = await bus.Consume(orders, BusFixture.Fast)
            .Handle<Note>((c, _) => { lock (handled) { handled.Add(c.Message.Text); } return ValueTask.CompletedTask; })
            .StartAsync();

        var dead = await BusFixture.DeadLettersAsync(bus, "orders", 2);
        dead.Select(d => d.GetString("dlq-origin-id")).Should().BeEquivalentTo([flippedBody, otherId]);
        dead.Select(d => d.GetString("dlq-reason")).Should().OnlyContain(r => r == "Undecodable");
        dead.Select(d => d.GetString("dlq-error")).Should().OnlyContain(e => e!.Contains("failed authentication", StringComparison.Ordinal));
        await Wait.UntilAsync(() => { lock (handled) { return handled.Count == 1; } });
        handled.Should().Equal("pay 10 EUR");
    }

    private static List<KeyValuePair<string, ReadOnlyMemory<byte>>> Replace(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> fields, string name, Func<byte[], byte[]> change) =>
        [.. fields.Select(f => f.Key == name ? new KeyValuePair<string, ReadOnlyMemory<byte>>(f.Key, change(f.Value.ToArray())) : f)];
}
