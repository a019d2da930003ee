using Herald.Codecs;
using Herald.Redis;
using Herald.Security;
using Herald.Transports.Lists;
using Herald.Transports.Streams;
using Microsoft.Extensions.Logging;

namespace Herald;

/// <summary>
/// Everything a <see cref="HeraldClient"/> is built from. Bindable from <c>IConfiguration</c> (see
/// <c>Herald.Hosting</c>); validated once by <see cref="Validate"/>, so mistakes surface at start-up.
/// </summary>
public sealed class HeraldOptions
{
    /// <summary>The Redis URL (<c>redis://…</c>, <c>rediss://…</c>, <c>redis-sentinel://…</c>). Default <c>redis://127.0.0.1:6379</c>.</summary>
    public string Redis { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>Client settings beyond the URL; when set, <see cref="Redis"/> is ignored.</summary>
    public RedisOptions? RedisOptions { get; set; }

    /// <summary>The first segment of every key. Default <c>herald</c>.</summary>
    public string KeyPrefix { get; set; } = Keys.KeySchema.DefaultPrefix;

    /// <summary>The CloudEvents <c>source</c> of published messages. Default <c>herald</c>.</summary>
    public string Source { get; set; } = "herald";

    /// <summary>The codec pipeline: serializer, compression, encryption, size limit.</summary>
    public CodecOptions Codecs { get; set; } = new();

    /// <summary>Settings of streams not named in <see cref="Streams"/>.</summary>
    public StreamOptions DefaultStream { get; set; } = new();

    /// <summary>Settings per stream name.</summary>
    public IDictionary<string, StreamOptions> Streams { get; } = new Dictionary<string, StreamOptions>(StringComparer.Ordinal);

    /// <summary>Settings of queues not named in <see cref="Queues"/>.</summary>
    public QueueOptions DefaultQueue { get; set; } = new();

    /// <summary>Settings per queue name.</summary>
    public IDictionary<string, QueueOptions> Queues { get; } = new Dictionary<string, QueueOptions>(StringComparer.Ordinal);

    /// <summary>Validate messages with DataAnnotations before publishing. Default true.</summary>
    public bool ValidateOnPublish { get; set; } = true;

    /// <summary>Access rules; null (default) allows everything.</summary>
    public AccessRules? Access { get; set; }

    /// <summary>This client's role under <see cref="Access"/>; stamped on published messages.</summary>
    public string? Role { get; set; }

    /// <summary>
    /// How often a client announces itself in the worker registry (while it runs consumers) and flushes its
    /// throughput counters to Redis. A worker is reported stale after three missed intervals and forgotten
    /// after six. Default 5 seconds; between 100 ms and 5 minutes.
    /// </summary>
    public TimeSpan WorkerHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the per-minute throughput history (published, processed, failed per destination) is kept in
    /// Redis. Default 24 hours; between 1 minute and 31 days.
    /// </summary>
    public TimeSpan ThroughputRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where Herald logs. Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The settings of stream <paramref name="name"/>.</summary>
    public StreamOptions StreamOptionsFor(string name) => Streams.TryGetValue(name, out var options) ? options : DefaultStream;

    /// <summary>The settings of queue <paramref name="name"/>.</summary>
    public QueueOptions QueueOptionsFor(string name) => Queues.TryGetValue(name, out var options) ? options : DefaultQueue;

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> (an <see cref="ArgumentException"/>) naming the first
    /// invalid setting by its path, as configuration would spell it: <c>Streams:orders:Partitions</c>.
    /// </summary>
    public void Validate()
    {
        if (RedisOptions is null)
        {
            if (string.IsNullOrWhiteSpace(Redis))
            {
                throw new InvalidOptionException(nameof(Redis), "must be a Redis URL such as redis://localhost:6379.");
            }

            try
            {
                _ = Herald.Redis.RedisOptions.Parse(Redis);
            }
            catch (FormatException exception)
            {
                // The message never repeats the URL: it may carry a password.
                throw new InvalidOptionException(nameof(Redis), $"is not a valid Redis URL: {exception.Message}", exception);
            }
        }
        else
        {
            InvalidOptionException.Scoped(nameof(RedisOptions), RedisOptions.Validate);
        }

        try
        {
            _ = new Keys.KeySchema(KeyPrefix);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOptionException(nameof(KeyPrefix), $"is invalid: {InvalidOptionException.Reason(exception)}", exception);
        }

        if (string.IsNullOrWhiteSpace(Source))
        {
            throw new InvalidOptionException(nameof(Source), "must not be empty.");
        }

        if (WorkerHeartbeatInterval < TimeSpan.FromMilliseconds(100) || WorkerHeartbeatInterval > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOptionException(nameof(WorkerHeartbeatInterval), $"must be between 100 ms and 5 minutes (it is {WorkerHeartbeatInterval}).");
        }

        if (ThroughputRetention < TimeSpan.FromMinutes(1) || ThroughputRetention > TimeSpan.FromDays(31))
        {
            throw new InvalidOptionException(nameof(ThroughputRetention), $"must be between 1 minute and 31 days (it is {ThroughputRetention}).");
        }

        InvalidOptionException.Scoped(nameof(Codecs), Required(Codecs, nameof(Codecs)).Validate);
        InvalidOptionException.Scoped(nameof(DefaultStream), Required(DefaultStream, nameof(DefaultStream)).Validate);
        InvalidOptionException.Scoped(nameof(DefaultQueue), Required(DefaultQueue, nameof(DefaultQueue)).Validate);
        ValidateNamed(nameof(Streams), "stream", Streams, static stream => stream.Validate());
        ValidateNamed(nameof(Queues), "queue", Queues, static queue => queue.Validate());
        if (Access is not null && (Role is null || !Access.Roles.ContainsKey(Role)))
        {
            var roles = Access.Roles.Count == 0 ? "none are defined" : string.Join(", ", Access.Roles.Keys);
            throw new InvalidOptionException(nameof(Role), $"must name one of the access roles ({roles}) when access rules are set{(Role is null ? string.Empty : $"; '{Role}' is not one of them")}.");
        }
    }

    private static void ValidateNamed<T>(string section, string kind, IDictionary<string, T> items, Action<T> validate)
        where T : class
    {
        foreach (var (name, item) in items)
        {
            try
            {
                Keys.KeySchema.ValidateName(name);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidOptionException($"{section}:{name}", $"is not a valid {kind} name: {InvalidOptionException.Reason(exception)}", exception);
            }

            var path = $"{section}:{name}";
            var present = Required(item, path);
            InvalidOptionException.Scoped(path, () => validate(present));
        }
    }

    private static T Required<T>(T? value, string setting)
        where T : class => value ?? throw new InvalidOptionException(setting, "must be set.");
}
