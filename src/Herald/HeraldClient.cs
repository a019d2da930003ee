using System.Diagnostics;
using Herald.Codecs;
using Herald.Consuming;
using Herald.Diagnostics;
using Herald.Keys;
using Herald.Messages;
using Herald.RateLimiting;
using Herald.Redis;
using Herald.Security;
using Herald.Transports;
using Herald.Validation;
using Herald.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald;

/// <summary>
/// The bus: publish to channels, streams and queues, and start consumers. Immutable and thread-safe once
/// built (<see cref="CreateBuilder"/>); dispose it to stop its consumers and close its connections.
/// </summary>
/// <example>
/// <code>
/// await using var bus = await HeraldClient.CreateBuilder().UseRedis("redis://localhost").BuildAsync();
/// await bus.PublishAsync(Destination.Stream("orders"), new OrderPlaced("A-1", 42m));
/// await using var consumer = await bus.Consume(Destination.Stream("orders"), o => o.Group = "billing")
///     .Handle&lt;OrderPlaced&gt;((message, ct) => Bill(message.Message, ct))
///     .StartAsync();
/// </code>
/// </example>
public sealed partial class HeraldClient : IAsyncDisposable
{
    private readonly Dictionary<DestinationKind, ITransport> _transports;
    private readonly List<Consumer> _consumers = [];
    private readonly Lock _consumersLock = new();
    private readonly RedisClient? _ownedRedis;
    private readonly WorkerRegistry? _workers;
    private readonly GlobalRateLimiter? _rateLimiter;
    private int _disposed;

    internal HeraldClient(HeraldOptions options, RedisClient? redis, bool ownsRedis, IEnumerable<ITransport> transports)
    {
        Options = options;
        Redis = redis;
        _ownedRedis = ownsRedis ? redis : null;
        Keys = new KeySchema(options.KeyPrefix);
        Codec = new MessageCodec(options.Codecs);
        Time = options.TimeProvider;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _transports = [];
        foreach (var transport in transports)
        {
            foreach (var kind in transport.Kinds)
            {
                _transports[kind] = transport;
            }
        }

        _rateLimiter = redis is not null
            ? new RedisRateLimiter(redis, Keys, Time)
            : _transports.Values.OfType<IRateLimiterProvider>().Select(static provider => provider.RateLimiter).FirstOrDefault();

        // Without Redis (the in-memory transport) there is no registry to announce to and no history to keep.
        if (redis is not null)
        {
            _workers = new WorkerRegistry(redis, Keys, options, LoggerFactory.CreateLogger("Herald.Workers"));
            _workers.Start();
        }
    }

    /// <summary>The options this client was built with.</summary>
    public HeraldOptions Options { get; }

    /// <summary>The Redis client underneath (null for the in-memory transport).</summary>
    public RedisClient? Redis { get; }

    /// <summary>The key schema.</summary>
    public KeySchema Keys { get; }

    /// <summary>The codec pipeline.</summary>
    public MessageCodec Codec { get; }

    /// <summary>The consumers started by this client and not yet stopped.</summary>
    public IReadOnlyList<Consumer> Consumers
    {
        get
        {
            lock (_consumersLock)
            {
                return [.. _consumers];
            }
        }
    }

    /// <summary>
    /// This client's id in the worker registry (<c>host:pid:random</c>), under which
    /// <see cref="Inspection.HeraldInspector.ListWorkersAsync"/> lists it while it runs consumers; null without Redis.
    /// </summary>
    public string? WorkerId => _workers?.Id;

    /// <summary>
    /// Global rate limits shared by every process on this Redis and key prefix (<see cref="RedisRateLimiter"/>); without
    /// Redis, the in-process limits of the in-memory transport, shared by the clients of that transport.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client has neither Redis nor a transport that keeps rate limits.</exception>
    public GlobalRateLimiter RateLimiter => _rateLimiter
        ?? throw new InvalidOperationException("Rate limits need Redis (or Herald.Testing's InMemoryTransport, which keeps them in process); this client has neither.");

    internal TimeProvider Time { get; }

    internal WorkerRegistry? Workers => _workers;

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Starts building a client.</summary>
    public static HeraldClientBuilder CreateBuilder() => new();

    /// <summary>Publishes one message.</summary>
    /// <exception cref="MessageValidationException">The message fails its DataAnnotations rules.</exception>
    /// <exception cref="MessageTooLargeException">The encoded message exceeds the maximum size.</exception>
    /// <exception cref="DestinationAccessDeniedException">This client's role may not publish there.</exception>
    public async ValueTask<PublishResult> PublishAsync<T>(Destination destination, T message, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        var results = await PublishBatchAsync(destination, [new OutgoingMessage<T>(message, options)], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>Publishes messages in one round trip (where the pattern allows); results in input order.</summary>
    public async ValueTask<IReadOnlyList<PublishResult>> PublishBatchAsync<T>(Destination destination, IReadOnlyList<OutgoingMessage<T>> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (destination.Kind == DestinationKind.Pattern)
        {
            throw new ArgumentException("Patterns are for consuming; publish to a channel.", nameof(destination));
        }

        Authorize("publish", destination, Options.Access?.CanPublish(Options.Role, destination));
        var transport = TransportFor(destination);
        using var activity = StartPublishActivity(destination, messages.Count);
        var envelopes = new OutgoingEnvelope[messages.Count];
        IReadOnlyList<PublishResult> results;
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var (message, options) = messages[i];
                options?.ValidateFor(destination);
                envelopes[i] = new OutgoingEnvelope(CreateEnvelope(message, typeof(T), options, activity), options?.Delay, options?.Priority ?? 0, options?.UniqueFor);
            }

            if (activity is { IsAllDataRequested: true } && envelopes.Length == 1)
            {
                activity.SetTag("messaging.message.id", envelopes[0].Envelope.Id);
                activity.SetTag("herald.message.type", envelopes[0].Envelope.Type);
            }

            results = await transport.PublishAsync(destination, envelopes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.SetTag("error.type", HeraldDiagnostics.ErrorType(exception));
            activity.AddException(exception);
            throw;
        }

        // Duplicates dropped by UniqueFor were not published, so they are not counted.
        var published = results.Any(static r => r.Duplicate) ? [.. envelopes.Where((_, i) => !results[i].Duplicate)] : envelopes;
        if (HeraldDiagnostics.Published.Enabled)
        {
            HeraldDiagnostics.AddByType(HeraldDiagnostics.Published, published, static e => e.Envelope.Type, destination, group: null);
        }

        _workers?.Throughput.AddPublished(destination, published.Length);
        return results;
    }

    // One producer span per publish call, a batch included: every message of the batch carries its context,
    // so each consumer span is a child of it (the conventions' "send" span; no per-message "create" spans).
    private static Activity? StartPublishActivity(Destination destination, int count)
    {
        var source = HeraldDiagnostics.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var activity = source.StartActivity($"publish {destination.Name}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "redis");
            activity.SetTag("messaging.operation", "publish");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.destination.name", destination.Name);
            activity.SetTag("herald.destination.kind", Destination.KindName(destination.Kind));
            if (count != 1)
            {
                activity.SetTag("messaging.batch.message_count", count);
            }
        }

        return activity;
    }

    /// <summary>Publishes messages that share <paramref name="options"/> in one round trip.</summary>
    public ValueTask<IReadOnlyList<PublishResult>> PublishBatchAsync<T>(Destination destination, IEnumerable<T> messages, PublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        // One id cannot serve many messages; every other option is shared, so copy the options once.
        var shared = options is null ? null : options with { Id = null };
        return PublishBatchAsync(destination, [.. messages.Select(m => new OutgoingMessage<T>(m, shared))], cancellationToken);
    }

    /// <summary>Starts configuring a consumer of <paramref name="destination"/>; register handlers, then <see cref="ConsumerBuilder.StartAsync"/>.</summary>
    public ConsumerBuilder Consume(Destination destination, Action<ConsumerOptions>? configure = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var options = new ConsumerOptions();
        configure?.Invoke(options);
        return new ConsumerBuilder(this, destination, options);
    }

    /// <summary>
    /// An <see cref="Inspection.HeraldInspector"/> over this client's Redis, key prefix, codec and clock: the read and admin
    /// API over destinations, groups, lag, dead letters and pauses. It shares the connection; disposing the client closes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client has no Redis (the in-memory transport): there is nothing to inspect.</exception>
    public Inspection.HeraldInspector CreateInspector() =>
        Redis is { } redis
            ? new Inspection.HeraldInspector(redis, Keys, Codec, Time)
            : throw new InvalidOperationException("This client has no Redis connection (it runs on the in-memory transport), so there is no state for an inspector to read.");

    /// <summary>Stops every consumer this client started, then closes the connections it owns.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var consumer in Consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        // After the consumers, so their final counts are flushed; before the connections close.
        if (_workers is not null)
        {
            await _workers.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var transport in _transports.Values.Distinct())
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownedRedis is not null)
        {
            await _ownedRedis.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal ITransport TransportFor(Destination destination)
    {
        var kind = destination.Kind == DestinationKind.Pattern ? DestinationKind.Channel : destination.Kind;
        return _transports.TryGetValue(kind, out var transport) && (destination.Kind != DestinationKind.Pattern || transport.Kinds.Contains(DestinationKind.Pattern))
            ? transport
            : throw new NotSupportedException($"This client has no transport for {destination.Kind} destinations.");
    }

    internal void Authorize(string operation, Destination destination, bool? allowed)
    {
        if (allowed == false)
        {
            throw new DestinationAccessDeniedException(Options.Role ?? "(none)", operation, destination.ToString());
        }
    }

    internal void Track(Consumer consumer, int concurrency)
    {
        lock (_consumersLock)
        {
            _consumers.Add(consumer);
        }

        _workers?.Track(consumer, concurrency);
    }

    internal void Forget(Consumer consumer)
    {
        lock (_consumersLock)
        {
            _consumers.Remove(consumer);
        }
    }

    // Internal rather than private so that interop tests frame exactly what a publish would send.
    internal MessageEnvelope CreateEnvelope(object? message, Type type, PublishOptions? options, Activity? activity)
    {
        var wireType = options?.Type ?? MessageTypes.NameOf(message?.GetType() ?? type);
        if (Options.ValidateOnPublish)
        {
            MessageValidator.ThrowIfInvalid(message, wireType);
        }

        var id = options?.Id ?? MessageId.New(Time);
        var body = Codec.Encode(message, message?.GetType() ?? type, id);
        var headers = options?.Headers;
        if (Options.Role is not null)
        {
            var stamped = headers is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(headers, StringComparer.Ordinal);
            stamped[AccessRules.RoleHeader] = Options.Role;
            headers = stamped;
        }

        // Our producer span, else whatever span is current (a web request's), so the trace goes on even when
        // Herald's own source is not listened to. Only W3C ids fit the traceparent format.
        var trace = activity ?? Activity.Current;
        if (trace is not null && trace.IdFormat != ActivityIdFormat.W3C)
        {
            trace = null;
        }

        return new MessageEnvelope
        {
            Id = id,
            Type = wireType,
            Source = Options.Source,
            Time = Time.GetUtcNow(),
            DataContentType = body.ContentType,
            ContentEncoding = body.ContentEncoding,
            KeyId = body.KeyId,
            TraceParent = trace?.Id,
            TraceState = trace?.TraceStateString,
            PartitionKey = options?.Key,
            Headers = headers ?? MessageEnvelope.NoHeaders,
            Data = body.Data,
        };
    }
}
