using System.Globalization;
using Herald.Diagnostics;
using Herald.Messages;
using Herald.RateLimiting;
using Herald.Transports;

namespace Herald.Testing;

/// <summary>
/// Every destination kind in memory, with Herald's delivery semantics, for unit tests of handlers and
/// producers without Redis:
/// <list type="bullet">
/// <item>Streams: consumer groups each get every message; within a group each message goes to one
/// consumer and stays pending until acknowledged; delayed retries wait on <see cref="Time"/>; a message
/// pending longer than the visibility timeout is reclaimed by <c>MaintainAsync</c>, and dead-lettered once
/// delivered more than the maximum number of times.</item>
/// <item>Queues: each message to one consumer (whatever its group), lower priority levels first, delays
/// on <see cref="Time"/>; work a stopped consumer never finished returns to the queue at once; a message published
/// with <c>UniqueFor</c> is dropped as a duplicate while its id's window (on <see cref="Time"/>) lasts.</item>
/// <item>Channels and patterns: fan-out to the consumers listening now, at most once; each consumer's
/// buffer holds <see cref="ChannelCapacity"/> messages and drops the oldest beyond that.</item>
/// </list>
/// Dead letters are kept in memory (<see cref="DeadLetters"/>), as is everything published
/// (<see cref="Published"/>). State outlives the clients that use the transport, so it can be inspected after
/// they are disposed, and one transport may serve several clients (as one Redis serves several services).
/// </summary>
/// <remarks>
/// Differences from Redis that tests might notice: a stream is one partition whatever
/// <c>StreamOptions.Partitions</c> says, retention is not applied, and a channel's receiver count counts
/// consumers (Redis counts connections, and one client's consumers share one).
/// </remarks>
public sealed partial class InMemoryTransport : ITransport, IRateLimiterProvider
{
    private readonly Lock _lock = new();
    private readonly List<(Destination Destination, MessageEnvelope Envelope)> _published = [];
    private readonly List<InMemoryDeadLetter> _deadLetters = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _lastMilliseconds;
    private long _sequence;

    /// <summary>Creates an empty transport on <paramref name="time"/> (default: the system clock).</summary>
    public InMemoryTransport(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        RateLimiter = new InMemoryRateLimiter(Time);
    }

    /// <summary>The clock for delays, retries and visibility timeouts.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// The global rate limits of every client of this transport (their <see cref="HeraldClient.RateLimiter"/> and
    /// consumers' <c>ConsumerOptions.RateLimit</c>), in process on <see cref="Time"/>.
    /// </summary>
    public InMemoryRateLimiter RateLimiter { get; }

    GlobalRateLimiter IRateLimiterProvider.RateLimiter => RateLimiter;

    /// <summary>Messages one channel or pattern consumer buffers before the oldest is dropped. Default 10 000, as the Redis client's.</summary>
    public int ChannelCapacity { get; init; } = 10_000;

    /// <inheritdoc />
    public IReadOnlyCollection<DestinationKind> Kinds { get; } = [DestinationKind.Channel, DestinationKind.Pattern, DestinationKind.Stream, DestinationKind.Queue];

    /// <summary>
    /// True when no consumer has anything to do: every stream group has read, finished and retried all its
    /// messages, every queue that has had a consumer is empty (delayed messages included), and every channel
    /// consumer has finished what it received. Streams without groups and queues nobody consumed do not count.
    /// </summary>
    public bool IsIdle
    {
        get
        {
            lock (_lock)
            {
                return DescribeWork().Count == 0;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new PublishResult[envelopes.Count];
        lock (_lock)
        {
            for (var i = 0; i < envelopes.Count; i++)
            {
                var outgoing = envelopes[i];
                if (outgoing.UniqueFor is not null && destination.Kind != DestinationKind.Queue)
                {
                    throw new ArgumentException($"UniqueFor applies to queues only; {destination} is not one.", nameof(envelopes));
                }

                results[i] = destination.Kind switch
                {
                    DestinationKind.Stream => new PublishResult(outgoing.Envelope.Id, AddToStream(destination.Name, outgoing.Envelope), null),
                    DestinationKind.Queue => Enqueue(destination.Name, outgoing),
                    DestinationKind.Channel => new PublishResult(outgoing.Envelope.Id, null, Broadcast(destination, outgoing.Envelope)),
                    _ => throw new ArgumentException("Patterns are for consuming; publish to a channel.", nameof(destination)),
                };
                if (!results[i].Duplicate)
                {
                    _published.Add((destination, outgoing.Envelope));
                }
            }

            Pulse();
        }

        return ValueTask.FromResult<IReadOnlyList<PublishResult>>(results);
    }

    /// <inheritdoc />
    public ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        ITransportReceiver receiver = destination.Kind switch
        {
            DestinationKind.Stream => new StreamReceiver(this, destination, group, consumer, options),
            DestinationKind.Queue => new QueueReceiver(this, destination, group, options),
            _ => new ChannelReceiver(this, destination, group, options),
        };
        return ValueTask.FromResult(receiver);
    }

    /// <summary>Every message published to <paramref name="destination"/>, in order (for a pattern: to every channel it matches).</summary>
    public IReadOnlyList<MessageEnvelope> Published(Destination destination)
    {
        lock (_lock)
        {
            return [.. _published.Where(p => Covers(destination, p.Destination)).Select(static p => p.Envelope)];
        }
    }

    /// <summary>The dead letters of <paramref name="destination"/>, oldest first (for a pattern: of every channel it matches).</summary>
    public IReadOnlyList<InMemoryDeadLetter> DeadLetters(Destination destination)
    {
        lock (_lock)
        {
            return [.. _deadLetters.Where(d => Covers(destination, d.Origin))];
        }
    }

    /// <summary>
    /// Messages delivered and not yet finished: for a stream, those pending in <paramref name="group"/> (every
    /// group when null); for a queue, those held by consumers; for a channel or pattern, those its consumers
    /// received and have not finished.
    /// </summary>
    public int PendingCount(Destination destination, string? group = null)
    {
        lock (_lock)
        {
            return destination.Kind switch
            {
                DestinationKind.Stream => StreamPending(destination.Name, group),
                DestinationKind.Queue => _queues.TryGetValue(destination.Name, out var queue) ? queue.InFlight.Count : 0,
                _ => _subscribers.Where(s => s.Destination == destination).Sum(static s => s.Outstanding),
            };
        }
    }

    /// <summary>
    /// Messages not yet delivered: for a stream, those <paramref name="group"/> has still to read plus its
    /// scheduled retries (every group when null); for a queue, those ready and delayed; for a channel or
    /// pattern, those in its consumers' buffers.
    /// </summary>
    public int WaitingCount(Destination destination, string? group = null)
    {
        lock (_lock)
        {
            return destination.Kind switch
            {
                DestinationKind.Stream => StreamWaiting(destination.Name, group),
                DestinationKind.Queue => _queues.TryGetValue(destination.Name, out var queue) ? queue.ReadyCount + queue.Delayed.Count : 0,
                _ => _subscribers.Where(s => s.Destination == destination).Sum(static s => s.Buffered),
            };
        }
    }

    /// <summary>Nothing to release: the state outlives the clients, so tests can inspect it after disposing them.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Why the transport is not idle, one line per busy destination; empty when idle.</summary>
    internal string DescribeBusyWork()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, DescribeWork());
        }
    }

    /// <summary>Completes at the next change of state (a publish, an acknowledgement, a retry …).</summary>
    internal Task NextChange()
    {
        lock (_lock)
        {
            return _changed.Task;
        }
    }

    private List<string> DescribeWork()
    {
        var work = new List<string>();
        DescribeStreamWork(work);
        DescribeQueueWork(work);
        DescribeChannelWork(work);
        return work;
    }

    // Wakes every receiver waiting for work; the caller holds the lock.
    private void Pulse()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    // Waits for the next change, a due time or the end of the block time, whichever comes first.
    private async ValueTask WaitForChangeAsync(Task changed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(timeout, Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The block time passed or something fell due: the caller looks again.
        }
    }

    // Redis-style ids, "<ms>-<seq>", increasing even when the clock stands still or goes back.
    private string NextId()
    {
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now > _lastMilliseconds)
        {
            _lastMilliseconds = now;
            _sequence = 0;
        }
        else
        {
            _sequence++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{_lastMilliseconds}-{_sequence}");
    }

    private void AddDeadLetter(Delivery delivery, DeadLetterInfo info, string group) =>
        _deadLetters.Add(new InMemoryDeadLetter(delivery.Envelope, info, delivery.Destination, group, Time.GetUtcNow()));

    // A message that kept crashing or stalling its consumers: no handler gave up on it, so it is counted here.
    private void DeadLetterStalled(Delivery delivery, string group)
    {
        AddDeadLetter(delivery, Stalled(delivery.DeliveryCount), group);
        HeraldDiagnostics.CountDeadLettered(delivery.Destination, group, delivery.Envelope.Type, DeadLetterReason.HandlerFailed);
    }

    private static bool Covers(Destination asked, Destination actual) =>
        asked == actual || (asked.Kind == DestinationKind.Pattern && actual.Kind == DestinationKind.Channel && GlobPattern.IsMatch(asked.Name, actual.Name));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static DeadLetterInfo Stalled(int deliveries) => new(DeadLetterReason.HandlerFailed, null,
        string.Create(CultureInfo.InvariantCulture, $"Delivered {deliveries} times without being finished: its consumers crashed or stalled."), null, deliveries);
}
