using Herald.Messages;
using Herald.Retry;

namespace Herald.Consuming;

/// <summary>A handler bound to a wire type; <paramref name="Batch"/> is set for a batch handler.</summary>
internal sealed record HandlerBinding(string WireType, Type MessageType, Func<ConsumeContext, CancellationToken, ValueTask> Invoke, BatchLimits? Batch = null);

/// <summary>How large a batch may grow and how long a worker waits for it to fill.</summary>
internal sealed record BatchLimits(int MaxSize, TimeSpan MaxWait);

/// <summary>Routes messages to handlers by their <c>type</c>, like the seeds' <c>@handle("type")</c>.</summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<string, HandlerBinding> _byType = new(StringComparer.Ordinal);
    private HandlerBinding? _fallback;

    public int Count => _byType.Count + (_fallback is null ? 0 : 1);

    public IEnumerable<HandlerBinding> Bindings => _fallback is null ? _byType.Values : _byType.Values.Append(_fallback);

    public void Add(HandlerBinding binding)
    {
        if (!_byType.TryAdd(binding.WireType, binding))
        {
            throw new InvalidOperationException($"A handler for type '{binding.WireType}' is registered already.");
        }
    }

    public void SetFallback(HandlerBinding binding) =>
        _fallback = _fallback is null ? binding : throw new InvalidOperationException("A fallback handler is registered already.");

    /// <summary>
    /// The handler for <paramref name="wireType"/>; else the fallback; else, for a message without a type
    /// (a foreign producer) when exactly one handler exists, that one.
    /// </summary>
    public HandlerBinding Resolve(string wireType, Destination destination)
    {
        if (_byType.TryGetValue(wireType, out var binding))
        {
            return binding;
        }

        if (_fallback is not null)
        {
            return _fallback;
        }

        if (wireType.Length == 0 && _byType.Count == 1)
        {
            return _byType.Values.First();
        }

        throw new NoHandlerException(wireType, destination);
    }

    public static HandlerBinding Bind<T>(string? wireType, Func<MessageContext<T>, CancellationToken, ValueTask> handler) =>
        new(wireType ?? MessageTypes.NameOf<T>(), typeof(T), (context, token) => handler(new MessageContext<T>((T)context.Message!, context), token));

    // The pipeline runs a batch as one context whose Batch lists the messages.
    public static HandlerBinding BindBatch<T>(string? wireType, Func<IReadOnlyList<MessageContext<T>>, CancellationToken, ValueTask> handler, BatchLimits limits) =>
        new(wireType ?? MessageTypes.NameOf<T>(), typeof(T), (context, token) => handler([.. context.Batch!.Select(static c => new MessageContext<T>((T)c.Message!, c))], token), limits);
}
