using Herald.Keys;
using Herald.Messages;
using Herald.Redis.Commands;
using Herald.Transports.Lists;

namespace Herald.Inspection;

/// <summary>Queues: what waits at each priority, what is scheduled, and what each consumer holds.</summary>
public sealed partial class HeraldInspector
{
    /// <summary>
    /// A queue: ready and delayed messages per priority level with the age of the next one to be taken,
    /// each registered consumer with its heartbeat and in-flight work, paused groups and dead letters.
    /// </summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="consumerTimeout">
    /// The consumers' <see cref="QueueOptions.ConsumerTimeout"/>, to tell which ones the reaper presumes dead;
    /// null for the default (30 s). It is the consumers' setting, not stored in Redis.
    /// </param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <exception cref="DestinationNotFoundException">No queue of that name is registered.</exception>
    public async ValueTask<QueueDetails> GetQueueAsync(string name, TimeSpan? consumerTimeout = null, CancellationToken cancellationToken = default)
    {
        var layout = await LayoutAsync(Destination.Queue(name), cancellationToken).ConfigureAwait(false);
        return await InspectQueueAsync(name, layout, consumerTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<QueueDetails> InspectQueueAsync(string name, int priorities, TimeSpan? consumerTimeout, CancellationToken cancellationToken)
    {
        var destination = Destination.Queue(name);
        var timeout = consumerTimeout ?? new QueueOptions().ConsumerTimeout;
        var now = _time.GetUtcNow();
        var levels = new List<QueueLevelDetails>(priorities);
        DateTimeOffset? nextDue = null;
        for (var level = 0; level < priorities; level++)
        {
            var queue = _keys.Queue(name, level);
            var delayedKey = _keys.Delayed(name, level);
            var waiting = await _redis.ListLengthAsync(queue, cancellationToken).ConfigureAwait(false);
            var delayed = await _redis.SortedSetLengthAsync(delayedKey, cancellationToken).ConfigureAwait(false);

            // Producers push at the head and consumers take from the tail: the tail is the next one out.
            var oldest = waiting == 0 ? null : await OldestItemAgeAsync(queue, now, cancellationToken).ConfigureAwait(false);
            if (delayed > 0)
            {
                var next = await _redis.SortedSetRangeByScoreWithScoresAsync(delayedKey, double.NegativeInfinity, double.PositiveInfinity, 0, 1, cancellationToken).ConfigureAwait(false);
                if (next.Count > 0)
                {
                    var due = DateTimeOffset.FromUnixTimeMilliseconds((long)next[0].Score);
                    nextDue = nextDue is null || due < nextDue ? due : nextDue;
                }
            }

            levels.Add(new QueueLevelDetails(level, waiting, delayed, oldest));
        }

        var consumers = new List<QueueConsumerDetails>();
        var beats = await _redis.SortedSetRangeByScoreWithScoresAsync(_keys.QueueConsumers(name), double.NegativeInfinity, double.PositiveInfinity,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var (consumer, score) in beats)
        {
            var beat = DateTimeOffset.FromUnixTimeMilliseconds((long)score);
            var inFlight = 0L;
            TimeSpan? oldest = null;
            if (KeySchema.IsValidName(consumer))
            {
                var processing = _keys.Processing(name, consumer);
                inFlight = await _redis.ListLengthAsync(processing, cancellationToken).ConfigureAwait(false);
                oldest = inFlight == 0 ? null : await OldestItemAgeAsync(processing, now, cancellationToken).ConfigureAwait(false);
            }

            var age = Age(beat, now);
            consumers.Add(new QueueConsumerDetails(consumer, inFlight, beat, age, age > timeout, oldest));
        }

        var paused = await PausedGroupsAsync(destination, cancellationToken).ConfigureAwait(false);
        var deadLetters = await CountDeadLettersByKeyAsync(destination, 1, cancellationToken).ConfigureAwait(false);
        return new QueueDetails(name, priorities, levels.Sum(static l => l.Waiting), levels.Sum(static l => l.Delayed), consumers.Sum(static c => c.InFlight),
            levels.Select(static l => l.OldestWaitingAge).Aggregate((TimeSpan?)null, Max), nextDue, levels, consumers,
            [.. paused.Keys.Order(StringComparer.Ordinal)], deadLetters[0]);
    }

    // The age of the item at the tail of a list (the oldest), from its envelope's time; null when it has none.
    private async ValueTask<TimeSpan?> OldestItemAgeAsync(string list, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tail = await _redis.ListRangeBytesAsync(list, -1, -1, cancellationToken).ConfigureAwait(false);
        if (tail.Count == 0)
        {
            return null;
        }

        // A foreign item carries no time: it gets the one passed here, the "unknown" default.
        var envelope = EnvelopeFormat.FromFramed(tail[0], static () => string.Empty, default);
        return envelope.Time == default ? null : Age(envelope.Time, now);
    }
}
