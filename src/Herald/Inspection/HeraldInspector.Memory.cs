using Herald.Keys;
using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>Memory per destination.</summary>
public sealed partial class HeraldInspector
{
    /// <summary>
    /// The memory each key of <paramref name="destination"/> takes (<c>MEMORY USAGE key SAMPLES n</c>) and their sum:
    /// a stream's partitions, dead letters, and each group's retries and retried streams; a queue's levels, delayed sets,
    /// processing lists, consumer set, delivery counters and dead letters; a channel's dead letters; the paused hash.
    /// </summary>
    /// <remarks>Deduplication markers (one small key per recently handled message id) are not counted: finding them takes a scan of the keyspace.</remarks>
    /// <param name="destination">The destination.</param>
    /// <param name="samples">Nested values sampled per key (0: all of them, exact and slow). Default 5, as Redis' own.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <exception cref="DestinationNotFoundException">A stream or queue the registry does not know.</exception>
    public async ValueTask<DestinationMemory> GetMemoryUsageAsync(Destination destination, int samples = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        var layout = await LayoutAsync(destination, cancellationToken).ConfigureAwait(false);
        var keys = await KeysOfAsync(destination, layout, cancellationToken).ConfigureAwait(false);
        var sizes = new List<KeyMemory>(keys.Count);
        foreach (var key in keys)
        {
            if (await _redis.KeyMemoryUsageAsync(key, samples, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                sizes.Add(new KeyMemory(key, bytes));
            }
        }

        sizes.Sort(static (a, b) => b.Bytes.CompareTo(a.Bytes));
        return new DestinationMemory(destination, sizes.Sum(static k => k.Bytes), sizes);
    }

    private async ValueTask<List<string>> KeysOfAsync(Destination destination, int layout, CancellationToken cancellationToken)
    {
        var name = destination.Name;
        var keys = new List<string> { PausedKey(destination) };
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
                for (var p = 0; p < layout; p++)
                {
                    int? partition = layout == 1 ? null : p;
                    var stream = _keys.Stream(name, partition);
                    keys.Add(stream);
                    keys.Add(_keys.DeadLetters(name, partition));
                    if (!await _redis.KeyExistsAsync(stream, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    foreach (var group in await _redis.StreamGroupsAsync(stream, cancellationToken).ConfigureAwait(false))
                    {
                        if (KeySchema.IsValidName(group.Name))
                        {
                            keys.Add(_keys.Retries(name, group.Name, partition));
                            keys.Add(_keys.RetriedStream(name, group.Name, partition));
                        }
                    }
                }

                break;

            case DestinationKind.Queue:
                for (var level = 0; level < layout; level++)
                {
                    keys.Add(_keys.Queue(name, level));
                    keys.Add(_keys.Delayed(name, level));
                }

                keys.Add(_keys.QueueConsumers(name));
                keys.Add(_keys.Deliveries(name));
                keys.Add(_keys.DeadLetters(name));
                var consumers = await _redis.SortedSetRangeByScoreAsync(_keys.QueueConsumers(name), double.NegativeInfinity, double.PositiveInfinity,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                keys.AddRange(consumers.Where(KeySchema.IsValidName).Select(c => _keys.Processing(name, c)));
                break;

            case DestinationKind.Channel:
                keys.Add(_keys.ChannelDeadLetters(name));
                break;

            default:
                break;
        }

        return keys;
    }
}
