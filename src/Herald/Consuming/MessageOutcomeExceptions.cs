using Herald.Redis;

namespace Herald.Consuming;

/// <summary>
/// Thrown by a handler or middleware to hand the message back for a later delivery without spending one of its
/// attempts: the message is not at fault, something it needs is not available yet (a rate limit, a lock, a
/// dependency that is warming up). On Redis streams and queues the message waits in Redis for
/// <see cref="Delay"/>; on Pub/Sub, which cannot hold a message, it fails like any other error.
/// </summary>
public sealed class DeferMessageException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="delay">How long the message waits before it is delivered again.</param>
    /// <param name="reason">Why, for the log.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public DeferMessageException(TimeSpan delay, string reason)
        : base(reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    /// <summary>How long the message waits before it is delivered again.</summary>
    public TimeSpan Delay { get; }
}

/// <summary>
/// Thrown by a handler or middleware when retrying cannot help: the message goes to the dead-letter store at
/// once with <see cref="DeadLetterReason.Rejected"/> and the exception's message as the error.
/// </summary>
public sealed class RejectMessageException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public RejectMessageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
