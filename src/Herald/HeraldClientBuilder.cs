using Herald.Redis;
using Herald.Transports;
using Herald.Transports.Lists;
using Herald.Transports.PubSub;
using Herald.Transports.Streams;
using Microsoft.Extensions.Logging;

namespace Herald;

/// <summary>Builds a <see cref="HeraldClient"/>: options first, then <see cref="BuildAsync"/> validates them and connects.</summary>
public sealed class HeraldClientBuilder
{
    private readonly List<Func<HeraldOptions, ITransport>> _extraTransports = [];
    private RedisClient? _redis;

    internal HeraldClientBuilder()
    {
    }

    /// <summary>The options being built.</summary>
    public HeraldOptions Options { get; private set; } = new();

    /// <summary>Connects to Redis at <paramref name="url"/>.</summary>
    public HeraldClientBuilder UseRedis(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        Options.Redis = url;
        return this;
    }

    /// <summary>Uses an existing <see cref="RedisClient"/> (not disposed with the bus).</summary>
    public HeraldClientBuilder UseRedis(RedisClient redis)
    {
        _redis = redis ?? throw new ArgumentNullException(nameof(redis));
        return this;
    }

    /// <summary>Changes options.</summary>
    public HeraldClientBuilder Configure(Action<HeraldOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Replaces the options wholesale (used by configuration binding).</summary>
    public HeraldClientBuilder UseOptions(HeraldOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    public HeraldClientBuilder UseLogging(ILoggerFactory loggerFactory)
    {
        Options.LoggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Adds a transport that replaces the Redis one for its destination kinds (the in-memory transport of Herald.Testing).</summary>
    public HeraldClientBuilder UseTransport(Func<HeraldOptions, ITransport> transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _extraTransports.Add(transport);
        return this;
    }

    /// <summary>Validates the options and connects. Errors are clear exceptions here, not surprises later.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="RedisConnectionException">Redis cannot be reached.</exception>
    public async ValueTask<HeraldClient> BuildAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        var ownsRedis = false;
        var redis = _redis;
        var inMemoryOnly = _extraTransports.Count > 0 && redis is null && Options.RedisOptions is null && Options.Redis == new HeraldOptions().Redis;
        if (redis is null && !inMemoryOnly)
        {
            var redisOptions = Options.RedisOptions?.Clone() ?? RedisOptions.Parse(Options.Redis);
            redisOptions.LoggerFactory ??= Options.LoggerFactory;
            redisOptions.TimeProvider = Options.TimeProvider;
            redis = await RedisClient.ConnectAsync(redisOptions, cancellationToken).ConfigureAwait(false);
            ownsRedis = true;
        }

        // Built-in transports first, so explicitly added ones replace them for their kinds.
        var transports = redis is null ? [] : RedisTransports.Create(redis, Options).ToList();
        transports.AddRange(_extraTransports.Select(create => create(Options)));
        return new HeraldClient(Options, redis, ownsRedis, transports);
    }
}

/// <summary>The transports Herald builds over Redis.</summary>
internal static class RedisTransports
{
    public static IEnumerable<ITransport> Create(RedisClient redis, HeraldOptions options)
    {
        var keys = new Keys.KeySchema(options.KeyPrefix);
        var loggers = options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        yield return new StreamTransport(redis, keys, options.StreamOptionsFor, options.TimeProvider, loggers.CreateLogger("Herald.Streams"));
        yield return new ListTransport(redis, keys, options.QueueOptionsFor, options.TimeProvider, loggers.CreateLogger("Herald.Lists"));
        yield return new PubSubTransport(redis, keys, options.TimeProvider);
    }
}
