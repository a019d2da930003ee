using Herald.Messages;
using Herald.Transports;

namespace Herald.Consuming;

/// <summary>Handles messages of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IMessageHandler<T>
{
    /// <summary>Handles one message. Return to acknowledge; throw to retry (and eventually dead-letter).</summary>
    ValueTask HandleAsync(MessageContext<T> context, CancellationToken cancellationToken);
}

/// <summary>Handles messages of type <typeparamref name="T"/> in batches.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IBatchMessageHandler<T>
{
    /// <summary>Handles a batch. Return to acknowledge all; throw to retry each of them.</summary>
    ValueTask HandleAsync(IReadOnlyList<MessageContext<T>> batch, CancellationToken cancellationToken);
}

/// <summary>A received message and everything known about it.</summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class MessageContext<T>
{
    internal MessageContext(T message, ConsumeContext context)
    {
        Message = message;
        Context = context;
    }

    /// <summary>The decoded message.</summary>
    public T Message { get; }

    /// <summary>The message id (stable across retries).</summary>
    public string MessageId => Envelope.Id;

    /// <summary>The wire type.</summary>
    public string MessageType => Envelope.Type;

    /// <summary>User headers.</summary>
    public IReadOnlyDictionary<string, string> Headers => Envelope.Headers;

    /// <summary>1 for the first attempt.</summary>
    public int Attempt => Context.Attempt;

    /// <summary>The partition key, if any.</summary>
    public string? PartitionKey => Envelope.PartitionKey;

    /// <summary>When it was published.</summary>
    public DateTimeOffset PublishedAt => Envelope.Time;

    /// <summary>Where it came from.</summary>
    public Destination Destination => Context.Destination;

    /// <summary>The consumer group.</summary>
    public string Group => Context.Group;

    /// <summary>The envelope as received.</summary>
    public MessageEnvelope Envelope => Context.Envelope;

    /// <summary>The pipeline context (middleware items, delivery).</summary>
    public ConsumeContext Context { get; }
}

/// <summary>The state a message carries through the middleware pipeline.</summary>
public sealed class ConsumeContext
{
    internal ConsumeContext(Delivery delivery, string group, string consumer, CancellationToken cancellationToken)
    {
        Delivery = delivery;
        Group = group;
        Consumer = consumer;
        CancellationToken = cancellationToken;
    }

    /// <summary>The transport's delivery.</summary>
    public Delivery Delivery { get; }

    /// <summary>The envelope.</summary>
    public MessageEnvelope Envelope => Delivery.Envelope;

    /// <summary>Where it came from.</summary>
    public Destination Destination => Delivery.Destination;

    /// <summary>The consumer group.</summary>
    public string Group { get; }

    /// <summary>This consumer's name.</summary>
    public string Consumer { get; }

    /// <summary>1 for the first attempt; counts delayed retries and redeliveries.</summary>
    public int Attempt => Delivery.Attempt;

    /// <summary>The decoded message (set before the pipeline runs).</summary>
    public object? Message { get; internal set; }

    /// <summary>The handler's .NET message type.</summary>
    public Type? MessageType { get; internal set; }

    /// <summary>Cancelled on handler timeout or shutdown; middleware may replace it with a linked token.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Free-form state shared by middleware.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>True when a middleware decided the handler must not run (a duplicate) and the message is simply acknowledged.</summary>
    public bool Skipped { get; set; }

    /// <summary>
    /// How many deliveries this message may have before a failure dead-letters it, overriding
    /// <see cref="RetrySettings.MaxDeliveries"/>; null keeps the consumer's setting. A handler or middleware that
    /// knows the message's own retry policy (a task's, say) sets it before failing.
    /// </summary>
    public int? MaxDeliveries
    {
        get => _failureOverrides?.MaxDeliveries;
        set => (_failureOverrides ??= new()).MaxDeliveries = value;
    }

    /// <summary>
    /// The wait before the delayed retry that follows a failure, overriding <see cref="RetrySettings.DelayFor"/>;
    /// null keeps the consumer's backoff.
    /// </summary>
    public TimeSpan? RetryDelay
    {
        get => _failureOverrides?.RetryDelay;
        set => (_failureOverrides ??= new()).RetryDelay = value;
    }

    /// <summary>For a batch handler, the messages of the batch (this context then stands for the whole batch); otherwise null.</summary>
    public IReadOnlyList<ConsumeContext>? Batch { get; internal set; }

    internal Func<ConsumeContext, CancellationToken, ValueTask>? Handler { get; set; }

    internal HandlerBinding? Binding { get; set; }

    internal Exception? PrepareFailure { get; set; }

    private Dictionary<string, object?>? _items;

    // Few messages carry their own retry policy: one reference on every message instead of the two fields.
    private FailureOverrides? _failureOverrides;

    private sealed class FailureOverrides
    {
        public int? MaxDeliveries { get; set; }

        public TimeSpan? RetryDelay { get; set; }
    }
}

/// <summary>The next step of the pipeline.</summary>
/// <param name="context">The message.</param>
public delegate ValueTask ConsumeDelegate(ConsumeContext context);

/// <summary>A step around the handler: tracing, metrics, validation, dedup, timeout, retry, circuit breaker, or your own.</summary>
public interface IConsumeMiddleware
{
    /// <summary>Runs this step; call <paramref name="next"/> to continue, throw to fail the attempt.</summary>
    ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next);
}
