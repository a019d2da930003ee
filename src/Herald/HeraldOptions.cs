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

    /// <summary>The clock. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where Herald logs. Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The settings of stream <paramref name="name"/>.</summary>
    public StreamOptions StreamOptionsFor(string name) => Streams.TryGetValue(name, out var options) ? options : DefaultStream;

    /// <summary>The settings of queue <paramref name="name"/>.</summary>
    public QueueOptions QueueOptionsFor(string name) => Queues.TryGetValue(name, out var options) ? options : DefaultQueue;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (RedisOptions is null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(Redis, nameof(Redis));
            try
            {
                _ = Herald.Redis.RedisOptions.Parse(Redis);
            }
            catch (FormatException exception)
            {
                throw new ArgumentException($"Redis: {exception.Message}", nameof(Redis), exception);
            }
        }
        else
        {
            RedisOptions.Validate();
        }

        _ = new Keys.KeySchema(KeyPrefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(Source, nameof(Source));
        ArgumentNullException.ThrowIfNull(Codecs, nameof(Codecs));
        Codecs.Validate();
        DefaultStream.Validate();
        DefaultQueue.Validate();
        foreach (var (name, stream) in Streams)
        {
            Keys.KeySchema.ValidateName(name);
            stream.Validate();
        }

        foreach (var (name, queue) in Queues)
        {
            Keys.KeySchema.ValidateName(name);
            queue.Validate();
        }

        if (Access is not null && (Role is null || !Access.Roles.ContainsKey(Role)))
        {
            throw new ArgumentException($"With access rules, Role must name one of their roles ({string.Join(", ", Access.Roles.Keys)}).", nameof(Role));
        }
    }
}
