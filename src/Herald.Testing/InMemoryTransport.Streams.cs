using System.Globalization;
using Herald.Messages;
using Herald.Transports;

namespace Herald.Testing;

public sealed partial class InMemoryTransport
{
    private readonly Dictionary<string, StreamState> _streams = new(StringComparer.Ordinal);

    private string AddToStream(string name, MessageEnvelope envelope)
    {
        var entry = new StreamEntry(NextId(), envelope);
        StreamNamed(name).Entries.Add(entry);
        return entry.Id;
    }

    private StreamState StreamNamed(string name)
    {
        if (!_streams.TryGetValue(name, out var stream))
        {
            stream = new StreamState();
            _streams.Add(name, stream);
        }

        return stream;
    }

    private IEnumerable<GroupState> GroupsOf(string name, string? group) =>
        !_streams.TryGetValue(name, out var stream) ? []
        : group is null ? stream.Groups.Values
        : stream.Groups.TryGetValue(group, out var one) ? [one] : [];

    private int StreamPending(string name, string? group) => GroupsOf(name, group).Sum(static g => g.Pending.Count);

    private int StreamWaiting(string name, string? group) => GroupsOf(name, group).Sum(static g => g.Waiting + g.Retries.Count);

    private void DescribeStreamWork(List<string> work)
    {
        foreach (var (name, stream) in _streams)
        {
            foreach (var (groupName, group) in stream.Groups)
            {
                if (group.Waiting + group.Pending.Count + group.Retries.Count > 0)
                {
                    work.Add(string.Create(CultureInfo.InvariantCulture,
                        $"stream:{name} group {groupName}: {group.Waiting} to read, {group.Pending.Count} pending, {group.Retries.Count} retries scheduled"));
                }
            }
        }
    }

    private sealed record StreamEntry(string Id, MessageEnvelope Envelope);

    private sealed class StreamState
    {
        public List<StreamEntry> Entries { get; } = [];

        public Dictionary<string, GroupState> Groups { get; } = new(StringComparer.Ordinal);
    }

    private sealed class GroupState(StreamState stream, int next)
    {
        /// <summary>The index in the stream of the next entry this group has not read.</summary>
        public int Next { get; set; } = next;

        /// <summary>Retries that fell due: new entries of this group only, read before the rest.</summary>
        public Queue<StreamEntry> Due { get; } = new();

        public List<(DateTimeOffset Due, MessageEnvelope Envelope)> Retries { get; } = [];

        public Dictionary<string, PendingEntry> Pending { get; } = new(StringComparer.Ordinal);

        public int Waiting => stream.Entries.Count - Next + Due.Count;
    }

    private sealed class PendingEntry(StreamEntry entry, string consumer, long deliveredAt)
    {
        public StreamEntry Entry { get; } = entry;

        public string Consumer { get; set; } = consumer;

        public int DeliveryCount { get; set; } = 1;

        public long DeliveredAt { get; set; } = deliveredAt;

        /// <summary>Handed back by a stopping consumer: the next reclaim takes it without waiting for the visibility timeout.</summary>
        public bool Released { get; set; }
    }

    /// <summary>One consumer of a stream's consumer group, as <c>XREADGROUP</c>, <c>XACK</c> and <c>XAUTOCLAIM</c> would serve it.</summary>
    private sealed class StreamReceiver : Receiver
    {
        private readonly Destination _destination;
        private readonly string _groupName;
        private readonly string _consumer;
        private readonly GroupState _group;
        private bool _ownPendingRead;

        public StreamReceiver(InMemoryTransport transport, Destination destination, string group, string consumer, ReceiverOptions options)
            : base(transport, options)
        {
            _destination = destination;
            _groupName = group;
            _consumer = consumer;
            lock (transport._lock)
            {
                var stream = transport.StreamNamed(destination.Name);
                if (!stream.Groups.TryGetValue(group, out var state))
                {
                    state = new GroupState(stream, StartIndex(stream, options.StartFrom));
                    stream.Groups.Add(group, state);
                }

                _group = state;
            }
        }

        public override bool IsReliable => true;

        public override ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Change(() =>
        {
            foreach (var delivery in deliveries)
            {
                _group.Pending.Remove(delivery.TransportId);
            }
        });

        public override ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken) => Change(() =>
        {
            // As the Redis script: only a message still pending is scheduled, so a retry never runs twice.
            if (_group.Pending.Remove(delivery.TransportId))
            {
                _group.Retries.Add((Transport.Time.GetUtcNow() + delay, delivery.Envelope with { Attempt = delivery.Attempt + (countsAsAttempt ? 1 : 0) }));
            }
        });

        public override ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken) => Change(() =>
        {
            if (_group.Pending.Remove(delivery.TransportId))
            {
                Transport.AddDeadLetter(delivery, info, _groupName);
            }
        });

        public override ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Change(() =>
        {
            foreach (var delivery in deliveries)
            {
                if (_group.Pending.TryGetValue(delivery.TransportId, out var pending))
                {
                    pending.Released = true;
                }
            }
        });

        // As XCLAIM with a quarter of the visibility timeout as minimum idle time does in Redis.
        public override ValueTask ExtendAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Change(() =>
        {
            var now = Transport.Time.GetTimestamp();
            foreach (var delivery in deliveries)
            {
                if (_group.Pending.TryGetValue(delivery.TransportId, out var pending) && Transport.Time.GetElapsedTime(pending.DeliveredAt, now) >= Options.VisibilityTimeout / 4)
                {
                    pending.Consumer = _consumer;
                    pending.DeliveredAt = now;
                }
            }
        });

        public override ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken)
        {
            var before = reclaimed.Count;
            lock (Transport._lock)
            {
                var changed = PromoteDueRetries();
                if (max > 0)
                {
                    changed |= Reclaim(reclaimed, max);
                }

                if (changed)
                {
                    Transport.Pulse();
                }
            }

            return ValueTask.FromResult(reclaimed.Count - before);
        }

        // Pending entries stay pending, as in Redis: another consumer reclaims them after the visibility timeout.
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

        protected override int Take(List<Delivery> into, int max)
        {
            PromoteDueRetries();
            var taken = 0;
            if (!_ownPendingRead)
            {
                // After a restart with a stable consumer name, its own unacknowledged entries come first.
                _ownPendingRead = true;
                foreach (var pending in _group.Pending.Values.Where(p => p.Consumer == _consumer).OrderBy(static p => p.Entry.Id, StreamIdComparer.Instance).Take(max).ToList())
                {
                    pending.DeliveryCount++;
                    pending.DeliveredAt = Transport.Time.GetTimestamp();
                    into.Add(ToDelivery(pending));
                    taken++;
                }

                if (taken > 0)
                {
                    return taken;
                }
            }

            var stream = Transport._streams[_destination.Name];
            while (taken < max && (_group.Due.Count > 0 || _group.Next < stream.Entries.Count))
            {
                var entry = _group.Due.Count > 0 ? _group.Due.Dequeue() : stream.Entries[_group.Next++];
                var pending = new PendingEntry(entry, _consumer, Transport.Time.GetTimestamp());
                _group.Pending[entry.Id] = pending;
                into.Add(ToDelivery(pending));
                taken++;
            }

            return taken;
        }

        protected override DateTimeOffset? NextDue() => _group.Retries.Count == 0 ? null : _group.Retries.Min(static r => r.Due);

        private bool PromoteDueRetries()
        {
            var now = Transport.Time.GetUtcNow();
            var due = _group.Retries.Where(r => r.Due <= now).OrderBy(static r => r.Due).ToList();
            foreach (var retry in due)
            {
                _group.Retries.Remove(retry);
                _group.Due.Enqueue(new StreamEntry(Transport.NextId(), retry.Envelope));
            }

            return due.Count > 0;
        }

        // Entries idle past the visibility timeout belong to consumers that crashed or hung (XAUTOCLAIM).
        private bool Reclaim(List<Delivery> reclaimed, int max)
        {
            var time = Transport.Time;
            var stalled = _group.Pending.Values
                .Where(p => p.Released || time.GetElapsedTime(p.DeliveredAt) >= Options.VisibilityTimeout)
                .OrderBy(static p => p.Entry.Id, StreamIdComparer.Instance)
                .Take(max)
                .ToList();
            foreach (var pending in stalled)
            {
                pending.DeliveryCount++;
                pending.Consumer = _consumer;
                pending.DeliveredAt = time.GetTimestamp();
                pending.Released = false;
                if (pending.DeliveryCount > Options.MaxDeliveries)
                {
                    // It keeps killing or stalling its consumers: no handler gets to fail it, so dead-letter it here.
                    _group.Pending.Remove(pending.Entry.Id);
                    Transport.DeadLetterStalled(ToDelivery(pending), _groupName);
                    continue;
                }

                reclaimed.Add(ToDelivery(pending));
            }

            return stalled.Count > 0;
        }

        private Delivery ToDelivery(PendingEntry pending) => new(_destination, pending.Entry.Envelope, pending.Entry.Id, pending.DeliveryCount);

        // Where a new group starts, as XGROUP CREATE reads it: "$" after the last entry, otherwise after the given id.
        private static int StartIndex(StreamState stream, string startFrom)
        {
            if (startFrom == "$")
            {
                return stream.Entries.Count;
            }

            var index = stream.Entries.FindIndex(e => StreamIdComparer.Instance.Compare(e.Id, startFrom) > 0);
            return index < 0 ? stream.Entries.Count : index;
        }
    }

    /// <summary>Orders stream ids (<c>ms-seq</c>, or <c>ms</c> alone meaning <c>ms-0</c>) numerically, as Redis does.</summary>
    private sealed class StreamIdComparer : IComparer<string>
    {
        public static readonly StreamIdComparer Instance = new();

        public int Compare(string? x, string? y) => Parse(x).CompareTo(Parse(y));

        private static (ulong Milliseconds, ulong Sequence) Parse(string? id)
        {
            var text = id.AsSpan();
            var dash = text.IndexOf('-');
            var ms = dash < 0 ? text : text[..dash];
            var seq = dash < 0 ? "0" : text[(dash + 1)..];
            return ulong.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && ulong.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? (m, s)
                : throw new ArgumentException($"'{id}' is not a stream id: use '$', '0' or '<ms>-<seq>'.", nameof(id));
        }
    }
}
