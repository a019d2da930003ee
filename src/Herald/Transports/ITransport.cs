using Herald.Messages;

namespace Herald.Transports;

/// <summary>
/// A messaging pattern (Streams, Lists, Pub/Sub, or the in-memory test transport): publishing, and
/// receivers for the consumer runtime. Transports carry envelopes; codecs and handlers live above them.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>The destination kinds this transport serves.</summary>
    IReadOnlyCollection<DestinationKind> Kinds { get; }

    /// <summary>Publishes envelopes in one round trip where the pattern allows; results in input order.</summary>
    ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken);

    /// <summary>Creates a receiver for one consumer (a member of <paramref name="group"/>).</summary>
    ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken);
}

/// <summary>An envelope to publish, with the transport-level choices.</summary>
/// <param name="Envelope">The message.</param>
/// <param name="Delay">Deliver no sooner than after this (queues).</param>
/// <param name="Priority">Priority level (queues).</param>
/// <param name="UniqueFor">
/// Queues: drop the envelope, reporting <see cref="PublishResult.Duplicate"/>, when one with the same id was published to
/// the queue within this window; null publishes unconditionally.
/// </param>
public readonly record struct OutgoingEnvelope(MessageEnvelope Envelope, TimeSpan? Delay = null, int Priority = 0, TimeSpan? UniqueFor = null);

/// <summary>Receiver settings the runtime passes to the transport.</summary>
public sealed record ReceiverOptions
{
    /// <summary>Most messages per read.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>How long one read may block on the server before returning empty.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A delivered message not acknowledged for this long is given to another consumer.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Streams: where a new group starts (<c>$</c> new messages, <c>0</c> everything, or an entry id).</summary>
    public string StartFrom { get; init; } = "$";

    /// <summary>A message delivered this many times without being finished (its consumers crashed or hung) goes to the dead-letter store.</summary>
    public int MaxDeliveries { get; init; } = 5;
}

/// <summary>
/// One consumer's connection to a destination. The runtime calls <see cref="ReceiveAsync"/> from one
/// loop; acknowledgement methods may be called concurrently from workers and the ack batcher.
/// </summary>
public interface ITransportReceiver : IAsyncDisposable
{
    /// <summary>Waits up to the block time for messages and appends at most <paramref name="max"/> to <paramref name="into"/>.</summary>
    ValueTask<int> ReceiveAsync(List<Delivery> into, int max, CancellationToken cancellationToken);

    /// <summary>Acknowledges handled messages (batched by the runtime).</summary>
    ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Schedules a retry after <paramref name="delay"/> and acknowledges the current delivery, atomically. The
    /// attempt is raised when <paramref name="countsAsAttempt"/> is true; a message the handler never saw (an open
    /// circuit breaker refused it) is parked with its attempt unchanged.
    /// </summary>
    ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken);

    /// <summary>Moves the message to the dead-letter store with <paramref name="info"/> and acknowledges it, atomically.</summary>
    ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken);

    /// <summary>Hands back deliveries that were received but will not be handled (graceful stop), for prompt redelivery.</summary>
    ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps deliveries that are still held (being handled, or prefetched and waiting) from looking stalled,
    /// so that a slow handler or a deep prefetch does not get its messages reclaimed and handled twice.
    /// Transports whose reclaim does not go by idle time need do nothing.
    /// </summary>
    ValueTask ExtendAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Periodic care: reclaim stalled messages of dead consumers, promote due retries and delayed messages,
    /// heartbeat, trim safely. Returns the deliveries reclaimed for this consumer (to be handled like received ones).
    /// </summary>
    ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken);

    /// <summary>True when the transport supports acknowledgement (false for Pub/Sub, which is at-most-once).</summary>
    bool IsReliable { get; }

    /// <summary>
    /// Messages this receiver lost because its consumer fell behind (Pub/Sub buffers are bounded and drop
    /// the oldest). Always 0 for reliable transports, which keep unread messages in Redis instead.
    /// </summary>
    long Dropped => 0;
}
