using System.Collections.Concurrent;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Scripting;
using Herald.Scripts;

namespace Herald.Workers;

/// <summary>
/// Counts what a client published, processed and failed per destination in memory and adds the counts to
/// the per-minute throughput history in Redis when <see cref="FlushAsync"/> is called (by the worker
/// registry's loop), so no message costs a Redis round trip of its own.
/// </summary>
/// <remarks>
/// Counts are attributed to the minute in which they are flushed: with the default 5 s interval a count
/// lands at most one interval late, which a per-minute history does not notice. Counts whose flush failed
/// are kept and added to the next one, so an outage shifts them in time but does not lose them.
/// </remarks>
internal sealed class ThroughputRecorder
{
    // A destination that published nothing for this many flushes leaves the cache, so a client that
    // publishes to ever new channels does not grow it without bound.
    private const int IdleFlushesBeforeEviction = 12;

    private readonly ConcurrentDictionary<Destination, PublishedCounter> _published = new();
    private readonly Lock _lock = new();
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private Dictionary<Destination, ThroughputCounts> _pending = [];

    public ThroughputRecorder(RedisClient redis, KeySchema keys, TimeSpan retention, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _retention = retention;
        _time = time;
    }

    /// <summary>Counts published messages: one lookup and one interlocked add; allocates only for a destination not seen lately.</summary>
    public void AddPublished(Destination destination, int count)
    {
        var counter = _published.GetOrAdd(destination, static _ => new PublishedCounter());
        Interlocked.Add(ref counter.Value, count);
    }

    /// <summary>Counts messages consumers of <paramref name="destination"/> processed and failed since the last call.</summary>
    public void AddConsumed(Destination destination, long processed, long failed)
    {
        if (processed == 0 && failed == 0)
        {
            return;
        }

        lock (_lock)
        {
            _pending[destination] = _pending.GetValueOrDefault(destination) + new ThroughputCounts(0, processed, failed);
        }
    }

    /// <summary>Adds everything counted since the last successful flush to the current minute, in one script call.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<Destination, ThroughputCounts> flushing;
        lock (_lock)
        {
            CollectPublished();
            if (_pending.Count == 0)
            {
                return;
            }

            flushing = _pending;
            _pending = [];
        }

        try
        {
            var now = _time.GetUtcNow();
            var minute = ThroughputFields.MinuteOf(now);
            var ttl = minute + TimeSpan.FromMinutes(1) - now + _retention;
            await _redis.EvaluateAsync(ScriptCatalog.ThroughputAdd, [_keys.Throughput(minute)], Arguments(flushing, ttl), RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                foreach (var (destination, counts) in flushing)
                {
                    _pending[destination] = _pending.GetValueOrDefault(destination) + counts;
                }
            }

            throw;
        }
    }

    private static List<RedisArg> Arguments(Dictionary<Destination, ThroughputCounts> counts, TimeSpan ttl)
    {
        var arguments = new List<RedisArg>(1 + ((counts.Count + 1) * 6)) { (long)Math.Ceiling(ttl.TotalMilliseconds) };
        var total = default(ThroughputCounts);
        foreach (var (destination, delta) in counts)
        {
            Add(arguments, ThroughputFields.Published, destination, delta.Published);
            Add(arguments, ThroughputFields.Processed, destination, delta.Processed);
            Add(arguments, ThroughputFields.Failed, destination, delta.Failed);
            total += delta;
        }

        Add(arguments, ThroughputFields.Published, null, total.Published);
        Add(arguments, ThroughputFields.Processed, null, total.Processed);
        Add(arguments, ThroughputFields.Failed, null, total.Failed);
        return arguments;

        static void Add(List<RedisArg> arguments, string counter, Destination? destination, long delta)
        {
            if (delta != 0)
            {
                arguments.Add(ThroughputFields.Field(counter, destination));
                arguments.Add(delta);
            }
        }
    }

    // Called under _lock by the single flusher.
    private void CollectPublished()
    {
        foreach (var (destination, counter) in _published)
        {
            var delta = Interlocked.Exchange(ref counter.Value, 0);
            if (delta != 0)
            {
                counter.IdleFlushes = 0;
                _pending[destination] = _pending.GetValueOrDefault(destination) + new ThroughputCounts(delta, 0, 0);
                continue;
            }

            if (++counter.IdleFlushes >= IdleFlushesBeforeEviction && _published.TryRemove(new KeyValuePair<Destination, PublishedCounter>(destination, counter)))
            {
                // A publisher that looked the counter up just before it left may still add to it: collect that too.
                var late = Interlocked.Exchange(ref counter.Value, 0);
                if (late != 0)
                {
                    _pending[destination] = _pending.GetValueOrDefault(destination) + new ThroughputCounts(late, 0, 0);
                }
            }
        }
    }

    private sealed class PublishedCounter
    {
        public long Value;
        public int IdleFlushes;
    }
}
