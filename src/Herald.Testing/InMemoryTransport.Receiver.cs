using Herald.Transports;

namespace Herald.Testing;

public sealed partial class InMemoryTransport
{
    /// <summary>What every in-memory receiver shares: take what is there, else wait for a change, a due time or the block time.</summary>
    private abstract class Receiver(InMemoryTransport transport, ReceiverOptions options) : ITransportReceiver
    {
        protected InMemoryTransport Transport { get; } = transport;

        protected ReceiverOptions Options { get; } = options;

        public abstract bool IsReliable { get; }

        public virtual long Dropped => 0;

        public async ValueTask<int> ReceiveAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
        {
            var time = Transport.Time;
            var started = time.GetTimestamp();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Task changed;
                TimeSpan wait;
                lock (Transport._lock)
                {
                    var taken = Take(into, max);
                    if (taken > 0)
                    {
                        return taken;
                    }

                    wait = Options.BlockTime - time.GetElapsedTime(started);
                    if (wait <= TimeSpan.Zero)
                    {
                        return 0;
                    }

                    if (NextDue() is { } due)
                    {
                        var untilDue = due - time.GetUtcNow();
                        wait = untilDue < wait ? TimeSpan.FromTicks(Math.Max(untilDue.Ticks, TimeSpan.TicksPerMillisecond)) : wait;
                    }

                    changed = Transport._changed.Task;
                }

                await Transport.WaitForChangeAsync(changed, wait, cancellationToken).ConfigureAwait(false);
            }
        }

        public abstract ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

        public abstract ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken);

        public abstract ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken);

        public abstract ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

        public virtual ValueTask ExtendAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public abstract ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken);

        public abstract ValueTask DisposeAsync();

        /// <summary>Moves up to <paramref name="max"/> deliverable messages into <paramref name="into"/>; called under the lock.</summary>
        protected abstract int Take(List<Delivery> into, int max);

        /// <summary>When the next delayed message falls due, if any; called under the lock.</summary>
        protected virtual DateTimeOffset? NextDue() => null;

        /// <summary>Runs <paramref name="change"/> under the lock and wakes whoever waits for work.</summary>
        protected ValueTask Change(Action change)
        {
            lock (Transport._lock)
            {
                change();
                Transport.Pulse();
            }

            return ValueTask.CompletedTask;
        }
    }
}
