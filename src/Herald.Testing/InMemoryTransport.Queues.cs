using System.Globalization;
using Herald.Messages;
using Herald.Transports;

namespace Herald.Testing;

public sealed partial class InMemoryTransport
{
    private readonly Dictionary<string, QueueState> _queues = new(StringComparer.Ordinal);

    private PublishResult Enqueue(string name, OutgoingEnvelope outgoing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outgoing.Priority, nameof(outgoing.Priority));
        var queue = QueueNamed(name);
        if (outgoing.UniqueFor is { } window && !queue.TryMarkUnique(outgoing.Envelope.Id, Time.GetUtcNow(), window))
        {
            return new PublishResult(outgoing.Envelope.Id, null, null) { Duplicate = true };
        }

        var item = new QueueItem(NextId(), outgoing.Envelope, outgoing.Priority);
        if (outgoing.Delay is { } delay && delay > TimeSpan.Zero)
        {
            queue.Delayed.Add((Time.GetUtcNow() + delay, item));
        }
        else
        {
            queue.Push(item);
        }

        return new PublishResult(outgoing.Envelope.Id, null, null);
    }

    private QueueState QueueNamed(string name)
    {
        if (!_queues.TryGetValue(name, out var queue))
        {
            queue = new QueueState();
            _queues.Add(name, queue);
        }

        return queue;
    }

    private void DescribeQueueWork(List<string> work)
    {
        foreach (var (name, queue) in _queues)
        {
            if (queue.HasConsumers && queue.ReadyCount + queue.Delayed.Count + queue.InFlight.Count > 0)
            {
                work.Add(string.Create(CultureInfo.InvariantCulture,
                    $"queue:{name}: {queue.ReadyCount} ready, {queue.Delayed.Count} delayed, {queue.InFlight.Count} being handled"));
            }
        }
    }

    private sealed class QueueItem(string id, MessageEnvelope envelope, int priority)
    {
        public string Id { get; } = id;

        public MessageEnvelope Envelope { get; } = envelope;

        public int Priority { get; } = priority;

        public int DeliveryCount { get; set; }
    }

    private sealed class QueueState
    {
        // Level 0 first; first in, first out within a level.
        private readonly SortedDictionary<int, LinkedList<QueueItem>> _ready = [];

        // Ids published with UniqueFor, until when they block another publish (Redis keeps a marker key with a TTL).
        private readonly Dictionary<string, DateTimeOffset> _unique = new(StringComparer.Ordinal);

        public List<(DateTimeOffset Due, QueueItem Item)> Delayed { get; } = [];

        public Dictionary<string, (QueueItem Item, QueueReceiver Owner)> InFlight { get; } = new(StringComparer.Ordinal);

        public bool HasConsumers { get; set; }

        public bool TryMarkUnique(string id, DateTimeOffset now, TimeSpan window)
        {
            if (_unique.TryGetValue(id, out var until) && until > now)
            {
                return false;
            }

            // Forget expired markers as they are passed, so the map holds only live windows.
            foreach (var expired in _unique.Where(u => u.Value <= now).Select(static u => u.Key).ToList())
            {
                _unique.Remove(expired);
            }

            _unique[id] = now + window;
            return true;
        }

        public int ReadyCount => _ready.Values.Sum(static level => level.Count);

        public void Push(QueueItem item) => Level(item.Priority).AddLast(item);

        public void PushFront(QueueItem item) => Level(item.Priority).AddFirst(item);

        public bool TryPop(out QueueItem item)
        {
            foreach (var level in _ready.Values)
            {
                if (level.First is { } first)
                {
                    level.RemoveFirst();
                    item = first.Value;
                    return true;
                }
            }

            item = null!;
            return false;
        }

        public bool PromoteDue(DateTimeOffset now)
        {
            var due = Delayed.Where(d => d.Due <= now).OrderBy(static d => d.Due).ToList();
            foreach (var delayed in due)
            {
                Delayed.Remove(delayed);
                Push(delayed.Item);
            }

            return due.Count > 0;
        }

        private LinkedList<QueueItem> Level(int priority)
        {
            if (!_ready.TryGetValue(priority, out var level))
            {
                level = new LinkedList<QueueItem>();
                _ready.Add(priority, level);
            }

            return level;
        }
    }

    /// <summary>One consumer of a queue: each message goes to exactly one consumer, whatever its group.</summary>
    private sealed class QueueReceiver : Receiver
    {
        private readonly Destination _destination;
        private readonly string _group;
        private readonly QueueState _queue;

        public QueueReceiver(InMemoryTransport transport, Destination destination, string group, ReceiverOptions options)
            : base(transport, options)
        {
            _destination = destination;
            _group = group;
            lock (transport._lock)
            {
                _queue = transport.QueueNamed(destination.Name);
                _queue.HasConsumers = true;
            }
        }

        public override bool IsReliable => true;

        public override ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Change(() =>
        {
            foreach (var delivery in deliveries)
            {
                _queue.InFlight.Remove(delivery.TransportId);
            }
        });

        public override ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken) => Change(() =>
        {
            if (_queue.InFlight.Remove(delivery.TransportId, out var held))
            {
                // A retry is a new message with the attempt raised, so its delivery count starts again.
                var retry = new QueueItem(Transport.NextId(), delivery.Envelope with { Attempt = delivery.Attempt + (countsAsAttempt ? 1 : 0) }, held.Item.Priority);
                _queue.Delayed.Add((Transport.Time.GetUtcNow() + delay, retry));
            }
        });

        public override ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken) => Change(() =>
        {
            if (_queue.InFlight.Remove(delivery.TransportId))
            {
                Transport.AddDeadLetter(delivery, info, _group);
            }
        });

        public override ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Change(() =>
        {
            // Back to the front, in their original order, for the next consumer.
            for (var i = deliveries.Count - 1; i >= 0; i--)
            {
                if (_queue.InFlight.Remove(deliveries[i].TransportId, out var held))
                {
                    _queue.PushFront(held.Item);
                }
            }
        });

        public override ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken)
        {
            lock (Transport._lock)
            {
                if (_queue.PromoteDue(Transport.Time.GetUtcNow()))
                {
                    Transport.Pulse();
                }
            }

            return ValueTask.FromResult(0);
        }

        // What a stopped consumer never finished goes back at once (Redis's reaper waits for the consumer timeout).
        public override ValueTask DisposeAsync() => Change(() =>
        {
            foreach (var (id, held) in _queue.InFlight.Where(f => f.Value.Owner == this).ToList())
            {
                _queue.InFlight.Remove(id);
                _queue.PushFront(held.Item);
            }
        });

        protected override int Take(List<Delivery> into, int max)
        {
            _queue.PromoteDue(Transport.Time.GetUtcNow());
            var taken = 0;
            while (taken < max && _queue.TryPop(out var item))
            {
                item.DeliveryCount++;
                var delivery = new Delivery(_destination, item.Envelope, item.Id, item.DeliveryCount);
                if (item.DeliveryCount > Options.MaxDeliveries)
                {
                    Transport.DeadLetterStalled(delivery, _group);
                    continue;
                }

                _queue.InFlight[item.Id] = (item, this);
                into.Add(delivery);
                taken++;
            }

            return taken;
        }

        protected override DateTimeOffset? NextDue() => _queue.Delayed.Count == 0 ? null : _queue.Delayed.Min(static d => d.Due);
    }
}
