using Herald.Messages;

namespace Herald.Consuming;

/// <summary>A message a consumer has just moved to the dead-letter store (see <see cref="ConsumerBuilder.OnDeadLettered"/>).</summary>
/// <param name="Envelope">The message as received.</param>
/// <param name="Destination">Where it came from.</param>
/// <param name="Group">The consumer group that gave up on it.</param>
/// <param name="Reason">Why.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">How many deliveries it had.</param>
public sealed record DeadLetteredMessage(MessageEnvelope Envelope, Destination Destination, string Group, DeadLetterReason Reason, Exception Error, int Attempts);
