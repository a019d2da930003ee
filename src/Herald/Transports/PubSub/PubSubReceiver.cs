using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Protocol;
using Herald.Redis.PubSub;

namespace Herald.Transports.PubSub;

/// <summary>
/// One consumer's subscription to a channel or pattern. Unreliable: there is nothing to acknowledge or
/// hand back, so those are no-ops and the runtime never schedules retries here; a message that still fails
/// after the in-process retries, or cannot be decoded, is dead-lettered, so it never simply disappears.
/// A message received through a pattern is delivered with the channel it was published on as its destination.
/// </summary>
internal sealed class PubSubReceiver : ITransportReceiver
{
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly Destination _destination;
    private readonly Subscription _subscription;
    private readonly string _group;
    private readonly ReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<string> _newId;

    public PubSubReceiver(RedisClient redis, KeySchema keys, Destination destination, Subscription subscription, string group, ReceiverOptions options, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _destination = destination;
        _subscription = subscription;
        _group = group;
        _options = options;
        _time = time;
        _newId = () => MessageId.New(_time);
    }

    public bool IsReliable => false;

    public long Dropped => _subscription.Dropped;

    public async ValueTask<int> ReceiveAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        var taken = Take(into, max);
        if (taken > 0)
        {
            return taken;
        }

        using var blockTime = new CancellationTokenSource(_options.BlockTime, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, blockTime.Token);
        try
        {
            if (!await _subscription.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The subscription to {_destination} has ended: its Redis client was disposed.");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        return Take(into, max);
    }

    public ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pub/Sub is at most once: a failed message is dead-lettered, never retried later.");

    public async ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken)
    {
        var args = new List<RedisArg> { _keys.ChannelDeadLetters(delivery.Destination.Name), "*" };
        args.AddRange(EnvelopeFormat.ToStreamFields(delivery.Envelope));

        // There is no entry in Redis to point at; the message id is the only handle the message has.
        args.AddRange(DeadLetterFields.For(info, delivery.Destination, delivery.Envelope.Id, _group, _time.GetUtcNow()));
        await _redis.ExecuteAsync(new RedisCommand("XADD", [.. args]).WithKey(), RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
    }

    // Received and not started when the consumer stops: Pub/Sub has nowhere to put them back.
    public ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    public ValueTask DisposeAsync() => _subscription.DisposeAsync();

    private int Take(List<Delivery> into, int max)
    {
        var taken = 0;
        while (taken < max && _subscription.Reader.TryRead(out var message))
        {
            into.Add(ToDelivery(message));
            taken++;
        }

        return taken;
    }

    private Delivery ToDelivery(PubSubMessage message)
    {
        var envelope = EnvelopeFormat.FromFramed(message.Payload, _newId, _time.GetUtcNow());

        // Not Destination.Channel: Redis allows channel names that it would refuse (blank ones).
        var channel = _destination.Kind == DestinationKind.Pattern ? new Destination(DestinationKind.Channel, message.Channel) : _destination;
        return new Delivery(channel, envelope, message.Channel, deliveryCount: 1);
    }
}
