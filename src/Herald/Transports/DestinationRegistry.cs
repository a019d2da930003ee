using System.Collections.Concurrent;
using Herald.Keys;
using Herald.Redis;

namespace Herald.Transports;

/// <summary>
/// Records each destination a transport writes to or reads from in the registry hash
/// (<see cref="KeySchema.Destinations"/>: <c>kind:name</c> → its physical layout, such as the partition
/// or priority count), once per process, so tooling can list them without scanning keys.
/// </summary>
internal sealed class DestinationRegistry
{
    private readonly RedisClient _redis;
    private readonly string _key;
    private readonly ConcurrentDictionary<string, bool> _registered = new(StringComparer.Ordinal);

    public DestinationRegistry(RedisClient redis, KeySchema keys)
    {
        _redis = redis;
        _key = keys.Destinations();
    }

    public async ValueTask RegisterAsync(Destination destination, int layout, CancellationToken cancellationToken)
    {
        var name = destination.ToString();
        if (_registered.ContainsKey(name))
        {
            return;
        }

        await _redis.ExecuteAsync(new RedisCommand("HSET", _key, name, layout.ToString(System.Globalization.CultureInfo.InvariantCulture)).WithKey(),
            RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        _registered[name] = true;
    }
}
