using Herald.Messages;

namespace Herald.Transports;

/// <summary>
/// One message handed to a consumer by a transport, with what the transport needs to acknowledge it.
/// </summary>
public sealed class Delivery
{
    /// <summary>Creates a delivery.</summary>
    public Delivery(Destination destination, MessageEnvelope envelope, string transportId, int deliveryCount, object? transportState = null)
    {
        Destination = destination;
        Envelope = envelope;
        TransportId = transportId;
        DeliveryCount = deliveryCount;
        TransportState = transportState;
    }

    /// <summary>Where it came from.</summary>
    public Destination Destination { get; }

    /// <summary>The message.</summary>
    public MessageEnvelope Envelope { get; }

    /// <summary>The transport's handle: a stream entry id, a list item, a channel name.</summary>
    public string TransportId { get; }

    /// <summary>How many times the transport has delivered it (1 the first time; more after reclaims).</summary>
    public int DeliveryCount { get; }

    /// <summary>Transport-private data (the physical key of a partition, the raw list item).</summary>
    public object? TransportState { get; }

    /// <summary>The attempt number as the consumer sees it: delayed retries and redeliveries both count.</summary>
    public int Attempt => Math.Max(Envelope.Attempt, DeliveryCount);
}

/// <summary>What is recorded with a dead letter.</summary>
/// <param name="Reason">The category.</param>
/// <param name="ErrorType">The exception type, or null.</param>
/// <param name="ErrorMessage">The error text.</param>
/// <param name="StackTrace">The stack trace, or null.</param>
/// <param name="Attempts">Attempts made.</param>
public sealed record DeadLetterInfo(DeadLetterReason Reason, string? ErrorType, string ErrorMessage, string? StackTrace, int Attempts)
{
    /// <summary>Builds the record from an exception.</summary>
    public static DeadLetterInfo From(DeadLetterReason reason, Exception exception, int attempts) =>
        new(reason, exception.GetType().FullName, exception.Message, exception.StackTrace, attempts);
}
