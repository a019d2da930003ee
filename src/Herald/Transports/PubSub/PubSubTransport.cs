using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.PubSub;

namespace Herald.Transports.PubSub;

/// <summary>
/// Pub/Sub channels and patterns: fan-out to whoever listens now, at most once. A message is
/// <c>PUBLISH</c>ed as one framed CloudEvents value (<see cref="EnvelopeFormat.ToFramed"/>); each consumer
/// holds its own subscription on the client's subscriber connection, so every consumer, in any group,
/// gets every message published while it listens. Nothing is stored except what fails: dead letters go to
/// the channel's dead-letter stream (<see cref="KeySchema.ChannelDeadLetters"/>).
/// </summary>
internal sealed class PubSubTransport : ITransport
{
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly TimeProvider _time;

    public PubSubTransport(RedisClient redis, KeySchema keys, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
    }

    public IReadOnlyCollection<DestinationKind> Kinds { get; } = [DestinationKind.Channel, DestinationKind.Pattern];

    public async ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken)
    {
        if (envelopes.Count == 1)
        {
            var envelope = envelopes[0].Envelope;
            var receivers = await _redis.PublishAsync(destination.Name, EnvelopeFormat.ToFramed(envelope), cancellationToken).ConfigureAwait(false);
            return [new PublishResult(envelope.Id, null, receivers)];
        }

        // One round trip for the whole batch.
        var batch = _redis.CreateBatch();
        var pending = new ValueTask<long>[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++)
        {
#pragma warning disable CA2012 // A batch reply is stored, then awaited exactly once after Send().
            pending[i] = batch.PublishAsync(destination.Name, EnvelopeFormat.ToFramed(envelopes[i].Envelope), cancellationToken);
#pragma warning restore CA2012
        }

        batch.Send();
        var results = new PublishResult[envelopes.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            results[i] = new PublishResult(envelopes[i].Envelope.Id, null, await pending[i].ConfigureAwait(false));
        }

        return results;
    }

    public async ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken)
    {
        // The client resubscribes after every reconnect; what is published while it is away is lost (at most once).
        var subscription = destination.Kind == DestinationKind.Pattern
            ? await _redis.Subscriber.PatternSubscribeAsync(destination.Name, cancellationToken).ConfigureAwait(false)
            : await _redis.Subscriber.SubscribeAsync(destination.Name, cancellationToken).ConfigureAwait(false);
        return new PubSubReceiver(_redis, _keys, destination, subscription, group, options, _time);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
