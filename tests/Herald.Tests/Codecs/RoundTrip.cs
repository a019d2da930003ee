using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Codecs;

/// <summary>One message through Redis and back: what the handler received, and the stream entry as stored.</summary>
internal static class RoundTrip
{
    /// <summary>Publishes with <paramref name="producer"/> and consumes with <paramref name="consumer"/> (the producer when null); both share a key prefix.</summary>
    public static async Task<(T Message, StreamEntry Entry)> SendAsync<T>(HeraldClient producer, T message, HeraldClient? consumer = null, string stream = "events")
    {
        var destination = Destination.Stream(stream);
        var received = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var running = await (consumer ?? producer).Consume(destination, BusFixture.Fast)
            .Handle<T>((context, _) =>
            {
                received.TrySetResult(context.Message);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        var published = await producer.PublishAsync(destination, message);

        var handled = await received.Task.WaitAsync(Wait.DefaultTimeout);
        return (handled, await EntryAsync(producer, stream, published.EntryId!));
    }

    /// <summary>The stored stream entry <paramref name="entryId"/>.</summary>
    public static async Task<StreamEntry> EntryAsync(HeraldClient bus, string stream, string entryId) =>
        (await bus.Redis!.StreamRangeAsync(bus.Keys.Stream(stream), entryId, entryId)).Single();

    /// <summary>The raw bytes of field <paramref name="name"/>.</summary>
    public static byte[] Bytes(this StreamEntry entry, string name) =>
        entry.TryGetValue(name, out var value) ? value.ToArray() : throw new KeyNotFoundException($"Entry {entry.Id} has no field '{name}'.");

    /// <summary>The field names of <paramref name="entry"/>, in order.</summary>
    public static IEnumerable<string> Names(this StreamEntry entry) => entry.Fields.Select(static f => f.Key);
}
