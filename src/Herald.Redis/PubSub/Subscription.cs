using System.Threading.Channels;

namespace Herald.Redis.PubSub;

/// <summary>
/// One subscriber's view of a channel or pattern: a bounded buffer of messages. When the reader falls
/// behind and the buffer is full, the oldest message is dropped and counted in <see cref="Dropped"/>
/// (pub/sub is at-most-once; the count makes a slow consumer visible instead of letting memory grow).
/// Dispose it to unsubscribe; the server subscription ends when its last subscriber leaves.
/// </summary>
public sealed class Subscription : IAsyncDisposable
{
    private readonly Channel<PubSubMessage> _channel;
    private readonly RedisSubscriber _owner;
    private long _dropped;
    private long _received;
    private int _disposed;

    internal Subscription(RedisSubscriber owner, SubscriptionKind kind, string name, int capacity)
    {
        _owner = owner;
        Kind = kind;
        Name = name;
        _channel = Channel.CreateBounded<PubSubMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Channel, pattern or sharded channel.</summary>
    public SubscriptionKind Kind { get; }

    /// <summary>The channel name or the pattern.</summary>
    public string Name { get; }

    /// <summary>The messages, for <c>TryRead</c>/<c>ReadAsync</c>/<c>WaitToReadAsync</c> consumption.</summary>
    public ChannelReader<PubSubMessage> Reader => _channel.Reader;

    /// <summary>Messages dropped because this subscriber fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages received (including dropped ones).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages as an async stream, ending when the subscription is disposed.</summary>
    public IAsyncEnumerable<PubSubMessage> ReadAllAsync(CancellationToken cancellationToken = default) => _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Unsubscribes and completes <see cref="Reader"/>.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _owner.Remove(this);
        }

        return ValueTask.CompletedTask;
    }

    internal bool Deliver(in PubSubMessage message)
    {
        Interlocked.Increment(ref _received);
        var before = Dropped;
        _channel.Writer.TryWrite(message);
        return Dropped == before;
    }

    internal void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);
}
