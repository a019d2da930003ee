using System.Buffers.Binary;
using Herald.Redis.PubSub;
using Herald.TestKit;

namespace Herald.Redis.Tests.PubSub;

/// <summary>Measures the managed heap, so nothing else may run beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringCollection
{
    public const string Name = "Heap measuring";
}

[Collection(HeapMeasuringCollection.Name)]
public sealed class PubSubBufferTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private const int BufferSize = 16;
    private const int MessageCount = 5_000;
    private const int PayloadSize = 4 * 1024;
    private const int PublishWindow = 100;

    [Theory]
    [BothProtocols]
    public async Task Subscription_ReaderNeverReads_KeepsTheNewestAndCountsTheDropped(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "firehose";
        await using var subscriber = await PubSubTestClient.ConnectAsync(fixture.Url, protocol, o => o.SubscriptionBufferSize = BufferSize);
        await using var subscription = await subscriber.Subscriber.SubscribeAsync(channel);
        var publisher = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await publisher.PublishAsync(channel, Payload(-1));
        await Wait.UntilAsync(() => subscription.Received == 1, because: "the warm-up message arrives");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (var start = 0; start < MessageCount; start += PublishWindow)
        {
            // A window of pipelined publishes: fast, without holding the whole firehose in the publisher.
            await Task.WhenAll(Enumerable.Range(start, PublishWindow).Select(i => publisher.PublishAsync(channel, Payload(i))));
        }

        await Wait.UntilAsync(() => subscription.Received == MessageCount + 1, TimeSpan.FromSeconds(60), "every published message reaches the subscriber");
        await publisher.DisposeAsync();
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

        subscription.Reader.Count.Should().Be(BufferSize);
        subscription.Dropped.Should().Be(MessageCount + 1 - BufferSize);
        heapGrowth.Should().BeLessThan(MessageCount * PayloadSize / 4, "a full buffer drops messages instead of growing ({0} MB were published)", MessageCount * PayloadSize >> 20);
        var kept = new List<int>();
        while (subscription.Reader.TryRead(out var message))
            kept.Add(Index(message));
        kept.Should().Equal(Enumerable.Range(MessageCount - BufferSize, BufferSize), "the oldest messages are the ones dropped");
    }

    [Theory]
    [BothProtocols]
    public async Task Subscription_OneSlowReaderOfTwo_OnlyTheSlowOneDrops(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "two-speeds";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol, o => o.SubscriptionBufferSize = BufferSize);
        await using var slow = await client.Subscriber.SubscribeAsync(channel);
        await using var fast = await client.Subscriber.SubscribeAsync(channel);
        var fastReceived = new List<int>();
        var reading = Task.Run(async () =>
        {
            await foreach (var message in fast.ReadAllAsync())
            {
                fastReceived.Add(Index(message));
                if (fastReceived.Count == BufferSize * 4)
                    return;
            }
        });

        for (var i = 0; i < BufferSize * 4; i++)
        {
            await client.PublishAsync(channel, Payload(i));

            // The fast reader keeps up; pace the publisher by it so its buffer never fills.
            var published = i + 1;
            await Wait.UntilAsync(() => fast.Reader.Count == 0 && fast.Received == published, because: "the fast reader drains its buffer");
        }

        await reading.WaitAsync(PubSubTestClient.ReceiveTimeout);
        fast.Dropped.Should().Be(0);
        fastReceived.Should().Equal(Enumerable.Range(0, BufferSize * 4));
        slow.Dropped.Should().Be(BufferSize * 3);
        slow.Reader.Count.Should().Be(BufferSize);
    }

    private static byte[] Payload(int index)
    {
        var payload = new byte[PayloadSize];
        BinaryPrimitives.WriteInt32LittleEndian(payload, index);
        return payload;
    }

    private static int Index(PubSubMessage message) => BinaryPrimitives.ReadInt32LittleEndian(message.Payload.Span);
}
