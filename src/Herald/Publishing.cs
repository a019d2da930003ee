namespace Herald;

/// <summary>Per-message publishing choices. Every property is optional.</summary>
public sealed record PublishOptions
{
    /// <summary>The message id (default: a new sortable unique id). Keep it stable to let consumers deduplicate resends.</summary>
    public string? Id { get; init; }

    /// <summary>The message type (default: from <c>[HeraldMessage]</c> or the .NET type name). Consumers route on it.</summary>
    public string? Type { get; init; }

    /// <summary>The partition key: messages that share it go to one partition and, with ordering on, are handled in order.</summary>
    public string? Key { get; init; }

    /// <summary>User headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Queues: deliver no sooner than after this delay.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Queues: the priority level (0, the default, is the highest).</summary>
    public int Priority { get; init; }

    /// <summary>
    /// Queues only, and only with an <see cref="Id"/>: publish unless a message with the same id was published to the
    /// queue within this window, in which case it is dropped and <see cref="PublishResult.Duplicate"/> is true. The check
    /// and the push are one atomic step in Redis, so any number of producers racing with one id put it on the queue once.
    /// </summary>
    public TimeSpan? UniqueFor { get; init; }

    /// <summary>Checks the options that depend on where the message goes.</summary>
    /// <exception cref="ArgumentException"><see cref="UniqueFor"/> is set for a stream or channel, or without an <see cref="Id"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="UniqueFor"/> is not positive.</exception>
    internal void ValidateFor(Destination destination)
    {
        if (UniqueFor is not { } window)
        {
            return;
        }

        if (destination.Kind != DestinationKind.Queue)
        {
            throw new ArgumentException($"UniqueFor applies to queues only; {destination} is not one.", nameof(destination));
        }

        if (Id is null)
        {
            throw new ArgumentException("UniqueFor needs an Id: a message is unique by its id (one id cannot serve a whole batch).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(UniqueFor));
    }
}

/// <summary>What publishing one message produced.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="EntryId">Streams: the entry id Redis assigned; otherwise null.</param>
/// <param name="Receivers">Channels: how many subscribers received it; otherwise null.</param>
public readonly record struct PublishResult(string MessageId, string? EntryId, long? Receivers)
{
    /// <summary>
    /// True when the message was dropped, unpublished, because a message with its id was published to the queue within
    /// <see cref="PublishOptions.UniqueFor"/>; always false for messages published without it.
    /// </summary>
    public bool Duplicate { get; init; }
}

/// <summary>One message of a batch, with its own options.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Message">The message.</param>
/// <param name="Options">Its publishing options, or null.</param>
public readonly record struct OutgoingMessage<T>(T Message, PublishOptions? Options = null);

/// <summary>Names a message type on the wire (CloudEvents <c>type</c>), so producers in any language can route to it.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, Inherited = false)]
public sealed class HeraldMessageAttribute : Attribute
{
    /// <summary>Names the type.</summary>
    public HeraldMessageAttribute(string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Type = type;
    }

    /// <summary>The wire type name, e.g. <c>shop.order.placed</c>.</summary>
    public string Type { get; }
}
