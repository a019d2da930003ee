using Herald.Keys;
using Herald.Redis;
using Microsoft.Extensions.Logging;

namespace Herald.Transports;

/// <summary>What every Redis-backed transport with per-destination options holds.</summary>
/// <typeparam name="TOptions">The settings of one destination (stream or queue options).</typeparam>
internal abstract class RedisTransport<TOptions>(RedisClient redis, KeySchema keys, Func<string, TOptions> optionsFor, TimeProvider time, ILogger logger)
{
    protected RedisClient Redis { get; } = redis;

    protected KeySchema Keys { get; } = keys;

    protected Func<string, TOptions> OptionsFor { get; } = optionsFor;

    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    protected DestinationRegistry Registry { get; } = new(redis, keys);
}
