using System.Globalization;
using Herald.Messages;
using Herald.Transports;

namespace Herald.Testing;

public sealed partial class InMemoryTransport
{
    private readonly List<ChannelReceiver> _subscribers = [];

    // Every consumer listening now gets its own copy; the count is what PUBLISH would report.
    private long Broadcast(Destination channel, MessageEnvelope envelope)
    {
        var receivers = 0L;
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Accepts(channel.Name))
            {
                subscriber.Enqueue(new Delivery(channel, envelope, channel.Name, deliveryCount: 1));
                receivers++;
            }
        }

        return receivers;
    }

    private void DescribeChannelWork(List<string> work)
    {
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Buffered + subscriber.Outstanding > 0)
            {
                work.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{subscriber.Destination} group {subscriber.Group}: {subscriber.Buffered} buffered, {subscriber.Outstanding} being handled"));
            }
        }
    }

    /// <summary>One consumer's subscription: at most once, nothing to acknowledge, failures dead-lettered.</summary>
    private sealed class ChannelReceiver : Receiver
    {
        private readonly Queue<Delivery> _buffer = new();
        private long _dropped;

        public ChannelReceiver(InMemoryTransport transport, Destination destination, string group, ReceiverOptions options)
            : base(transport, options)
        {
            Destination = destination;
            Group = group;
            lock (transport._lock)
            {
                transport._subscribers.Add(this);
            }
        }

        public Destination Destination { get; }

        public string Group { get; }

        public int Buffered => _buffer.Count;

        /// <summary>Received and not yet finished (acknowledged, dead-lettered or released): what keeps the transport from idle.</summary>
        public int Outstanding { get; private set; }

        public override bool IsReliable => false;

        public override long Dropped => Interlocked.Read(ref _dropped);

        public bool Accepts(string channel) =>
            Destination.Kind == DestinationKind.Pattern ? GlobPattern.IsMatch(Destination.Name, channel) : Destination.Name == channel;

        public void Enqueue(Delivery delivery)
        {
            if (_buffer.Count >= Transport.ChannelCapacity)
            {
                _buffer.Dequeue();
                Interlocked.Increment(ref _dropped);
            }

            _buffer.Enqueue(delivery);
        }

        public override ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Finish(deliveries.Count);

        public override ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Pub/Sub is at most once: a failed message is dead-lettered, never retried later.");

        public override ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken) => Change(() =>
        {
            Outstanding = Math.Max(0, Outstanding - 1);
            Transport.AddDeadLetter(delivery, info, Group);
        });

        // Pub/Sub has nowhere to put them back: they are gone, as with Redis.
        public override ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => Finish(deliveries.Count);

        public override ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken) => ValueTask.FromResult(0);

        public override ValueTask DisposeAsync() => Change(() =>
        {
            Transport._subscribers.Remove(this);
            _buffer.Clear();
            Outstanding = 0;
        });

        protected override int Take(List<Delivery> into, int max)
        {
            var taken = 0;
            while (taken < max && _buffer.TryDequeue(out var delivery))
            {
                into.Add(delivery);
                taken++;
            }

            Outstanding += taken;
            return taken;
        }

        private ValueTask Finish(int count) => Change(() => Outstanding = Math.Max(0, Outstanding - count));
    }
}
