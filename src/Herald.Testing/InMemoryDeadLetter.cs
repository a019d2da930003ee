using Herald.Messages;
using Herald.Transports;

namespace Herald.Testing;

/// <summary>A message the in-memory transport moved to its dead-letter store, with why.</summary>
/// <param name="Envelope">The message as it was last delivered.</param>
/// <param name="Info">The reason, the error and the attempts made.</param>
/// <param name="Origin">Where it was consumed from: the stream or queue, or for Pub/Sub the channel it was published on.</param>
/// <param name="Group">The consumer group that gave up on it.</param>
/// <param name="Time">When it was dead-lettered, by the transport's clock.</param>
public sealed record InMemoryDeadLetter(MessageEnvelope Envelope, DeadLetterInfo Info, Destination Origin, string Group, DateTimeOffset Time)
{
    /// <summary>The category: <see cref="DeadLetterInfo.Reason"/>.</summary>
    public DeadLetterReason Reason => Info.Reason;
}
