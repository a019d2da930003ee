using Herald.Codecs;
using Herald.Keys;
using Herald.Redis;

namespace Herald.Inspection;

/// <summary>
/// The read and admin API over Herald's state in Redis: destinations, consumer groups, lag, pending work,
/// queues, dead letters, pause and resume, workers and throughput history. The <c>herald</c> tool and the
/// dashboard see and steer a deployment only through this class, so anything they show a user can also be
/// read by a program.
/// </summary>
/// <remarks>
/// Thread-safe and cheap to create; it owns nothing and never disposes the <see cref="RedisClient"/> it is given.
/// Split into partial files by concern: destinations and groups, queues, dead letters, control, workers, throughput.
/// </remarks>
public sealed partial class HeraldInspector
{
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly TimeProvider _time;
    private readonly MessageCodec _codec;

    /// <summary>Creates an inspector over the keys of <paramref name="keys"/> on <paramref name="redis"/>.</summary>
    /// <param name="redis">The connection to read and act through.</param>
    /// <param name="keys">The key schema (its prefix must match the one the bus was built with).</param>
    /// <param name="codec">Decodes message bodies for display; the default handles JSON, raw bytes and compression, not encryption.</param>
    /// <param name="timeProvider">The clock that ages are measured against; the system clock by default.</param>
    public HeraldInspector(RedisClient redis, KeySchema? keys = null, MessageCodec? codec = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _keys = keys ?? KeySchema.Default;
        _codec = codec ?? new MessageCodec(new CodecOptions());
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The key schema this inspector reads.</summary>
    public KeySchema Keys => _keys;
}
