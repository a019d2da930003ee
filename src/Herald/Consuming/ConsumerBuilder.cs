using Herald.CircuitBreaker;
using Herald.Deduplication;
using Herald.Diagnostics;
using Herald.RateLimiting;
using Herald.Redis.Commands;
using Herald.Retry;
using Herald.Security;
using Herald.Timeouts;
using Herald.Transports;
using Herald.Validation;
using Microsoft.Extensions.Logging;

namespace Herald.Consuming;

/// <summary>
/// Configures a consumer: handlers by message type, extra middleware, then <see cref="StartAsync"/>.
/// The pipeline runs tracing → metrics → validation → deduplication → timeout → retry → circuit
/// breaker → rate limit → your middleware → handler. The rate limit (<see cref="ConsumerOptions.RateLimit"/>)
/// comes after the circuit breaker, so an open circuit spends no permits, and before your middleware, so the
/// handler and your middleware run only with a permit; its wait counts towards the handler timeout.
/// </summary>
public sealed class ConsumerBuilder
{
    private readonly HeraldClient _client;
    private readonly Destination _destination;
    private readonly HandlerRegistry _handlers = new();
    private readonly List<IConsumeMiddleware> _middleware = [];
    private readonly List<Func<DeadLetteredMessage, CancellationToken, ValueTask>> _deadLetterObservers = [];

    internal ConsumerBuilder(HeraldClient client, Destination destination, ConsumerOptions options)
    {
        _client = client;
        _destination = destination;
        Options = options;
    }

    /// <summary>The options of the consumer being built.</summary>
    public ConsumerOptions Options { get; }

    /// <summary>Handles messages of <typeparamref name="T"/> (wire type from <c>[HeraldMessage]</c> or the type name, or <paramref name="type"/>).</summary>
    public ConsumerBuilder Handle<T>(Func<MessageContext<T>, CancellationToken, ValueTask> handler, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(HandlerRegistry.Bind(type, handler));
        return this;
    }

    /// <summary>Handles messages of <typeparamref name="T"/> with <paramref name="handler"/>.</summary>
    public ConsumerBuilder Handle<T>(IMessageHandler<T> handler, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle<T>(handler.HandleAsync, type);
    }

    /// <summary>
    /// Handles messages of <typeparamref name="T"/> in batches: a worker collects up to
    /// <paramref name="maxBatchSize"/> decoded, valid messages, waiting at most <paramref name="maxWait"/>
    /// (default 10 ms) for more to arrive. Returning acknowledges the whole batch; throwing sends each of
    /// its messages down the usual retry and dead-letter ladder. Undecodable or invalid messages are
    /// dead-lettered on their own and left out of the batch. The batch runs through tracing, metrics,
    /// timeout, in-process retry, the circuit breaker and the rate limit (one permit per message); deduplication and <see cref="Use"/> middleware
    /// apply to single messages only. A batch never exceeds <see cref="ConsumerOptions.Prefetch"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is below 1 or <paramref name="maxWait"/> is negative.</exception>
    public ConsumerBuilder HandleBatch<T>(Func<IReadOnlyList<MessageContext<T>>, CancellationToken, ValueTask> handler, int maxBatchSize = 100, TimeSpan? maxWait = null, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var wait = maxWait ?? TimeSpan.FromMilliseconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(maxWait));
        _handlers.Add(HandlerRegistry.BindBatch(type, handler, new BatchLimits(maxBatchSize, wait)));
        return this;
    }

    /// <summary>Handles messages of <typeparamref name="T"/> in batches with <paramref name="handler"/> (see the delegate overload).</summary>
    public ConsumerBuilder HandleBatch<T>(IBatchMessageHandler<T> handler, int maxBatchSize = 100, TimeSpan? maxWait = null, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return HandleBatch<T>(handler.HandleAsync, maxBatchSize, maxWait, type);
    }

    /// <summary>Handles every message no typed handler claims, as its serialised bytes (after decryption and decompression).</summary>
    public ConsumerBuilder HandleAny(Func<MessageContext<ReadOnlyMemory<byte>>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.SetFallback(HandlerRegistry.Bind("*", handler));
        return this;
    }

    /// <summary>Adds a middleware step just before the handler.</summary>
    public ConsumerBuilder Use(IConsumeMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>
    /// Calls <paramref name="observer"/> after this consumer moved a message to the dead-letter store, whatever the
    /// reason (a handler that failed on every attempt, a timeout, an undecodable body, a type no handler takes …):
    /// an alerting hook, or a way to record the failure elsewhere. It runs after the dead letter is stored; if it
    /// throws, the failure is logged and the message stays dead-lettered. Messages the transport itself
    /// dead-letters (a queue item that kept killing its consumers) do not pass through it.
    /// </summary>
    public ConsumerBuilder OnDeadLettered(Func<DeadLetteredMessage, CancellationToken, ValueTask> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _deadLetterObservers.Add(observer);
        return this;
    }

    /// <summary>Validates the options and starts consuming.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No handler is registered, or a <see cref="ConsumerOptions.RateLimit"/> is set on a client with no rate limiter (<see cref="HeraldClient.RateLimiter"/>).</exception>
    /// <exception cref="DestinationAccessDeniedException">This client's role may not consume the destination.</exception>
    public async Task<Consumer> StartAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (_handlers.Count == 0)
        {
            throw new InvalidOperationException($"Register at least one handler for {_destination} before starting.");
        }

        var options = _client.Options;
        _client.Authorize("consume", _destination, options.Access?.CanConsume(options.Role, _destination));
        var transport = _client.TransportFor(_destination);
        var time = _client.Time;
        Consumer? consumer = null;
        var pipeline = new List<IConsumeMiddleware> { new TracingMiddleware(_destination), new MetricsMiddleware(time, _destination) };
        if (Options.ValidateMessages)
        {
            pipeline.Add(new ValidationMiddleware());
        }

        if (Options.DeduplicationWindow is { } window && _client.Redis is { } redis)
        {
            var claim = Options.HandlerTimeout == Timeout.InfiniteTimeSpan ? Options.VisibilityTimeout : Options.HandlerTimeout * 2;
            pipeline.Add(new DeduplicationMiddleware(redis, _client.Keys, window, claim));
        }

        if (Options.HandlerTimeout != Timeout.InfiniteTimeSpan)
        {
            pipeline.Add(new TimeoutMiddleware(Options.HandlerTimeout, time));
        }

        if (Options.Retry.InProcessRetries > 0)
        {
            pipeline.Add(new RetryMiddleware(Options.Retry, time));
        }

        if (Options.CircuitBreaker is { } breaker)
        {
            pipeline.Add(new CircuitBreakerMiddleware(breaker, time, duration => consumer?.PauseFor(duration)));
        }

        if (Options.RateLimit is { } limit)
        {
            var limitName = Keys.KeySchema.GroupRateLimitName(_destination, Options.Group);
            pipeline.Add(new RateLimitMiddleware(_client.RateLimiter, limitName, limit, RateLimitMiddleware.MaxWaitFor(Options.HandlerTimeout)));
        }

        // Batches share the steps that make sense for a group of messages; validation happened one by one
        // before the batch formed, and deduplication and user middleware are per message.
        var batchPipeline = pipeline.Where(static step => step is not (ValidationMiddleware or DeduplicationMiddleware)).ToList();
        pipeline.AddRange(_middleware);
        var receiverOptions = new ReceiverOptions
        {
            BatchSize = Options.EffectiveBatch,
            BlockTime = Options.BlockTime,
            VisibilityTimeout = Options.VisibilityTimeout,
            StartFrom = Options.StartFrom,
            MaxDeliveries = Options.Retry.MaxDeliveries,
        };
        var name = Options.ResolveConsumerName();
        Options.ConsumerName = name;
        consumer = new Consumer(
            _destination,
            Options,
            _handlers,
            pipeline,
            batchPipeline,
            _client.Codec,
            token => transport.CreateReceiverAsync(_destination, Options.Group, name, receiverOptions, token),
            time,
            _client.LoggerFactory.CreateLogger("Herald.Consumer"),
            PausedRemotely(),
            Authorizer())
        {
            DeadLetterObservers = [.. _deadLetterObservers],
        };
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        consumer.Stopped = _client.Forget;
        _client.Track(consumer, Options.Concurrency);
        return consumer;
    }

    // A pause set through the Inspector or the CLI applies to every worker of the group.
    private Func<CancellationToken, ValueTask<bool>>? PausedRemotely()
    {
        if (_client.Redis is not { } redis)
        {
            return null;
        }

        var key = _client.Keys.Paused(Keys.KeySchema.KeyName(_destination), _destination.Kind);
        var group = Options.Group;
        return token => redis.HashExistsAsync(key, group, token);
    }

    // A message stamped with a role that may not publish here is refused, whoever wrote it to Redis.
    private Func<Delivery, Exception?>? Authorizer()
    {
        if (_client.Options.Access is not { } rules)
        {
            return null;
        }

        var destination = _destination;
        return delivery =>
        {
            delivery.Envelope.Headers.TryGetValue(AccessRules.RoleHeader, out var role);
            return rules.CanPublish(role, destination) ? null : new DestinationAccessDeniedException(role ?? "(none)", "publish", destination.ToString());
        };
    }
}
