using Herald.Redis;

namespace Herald;

/// <summary>Why a message went to the dead-letter store instead of a handler.</summary>
public enum DeadLetterReason
{
    /// <summary>The handler failed on every attempt.</summary>
    HandlerFailed,

    /// <summary>The body could not be decompressed, decrypted or deserialised.</summary>
    Undecodable,

    /// <summary>The message failed validation.</summary>
    Invalid,

    /// <summary>The message is larger than the maximum message size.</summary>
    TooLarge,

    /// <summary>The producer was not allowed to publish to the destination.</summary>
    Unauthorized,

    /// <summary>No handler is registered for the message's type.</summary>
    NoHandler,

    /// <summary>The handler ran past its timeout on every attempt.</summary>
    TimedOut,

    /// <summary>The handler refused the message as one no retry can fix (<c>RejectMessageException</c>).</summary>
    Rejected,
}

/// <summary>A message could not be turned back into the handler's type; it goes to the dead-letter store, it is never dropped.</summary>
public sealed class MessageDecodeException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public MessageDecodeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A message is larger than <c>MaxMessageSize</c>.</summary>
public sealed class MessageTooLargeException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public MessageTooLargeException(int size, int limit)
        : base($"The message is {size} bytes; the limit is {limit}.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The message's size in bytes.</summary>
    public int Size { get; }

    /// <summary>The configured limit.</summary>
    public int Limit { get; }
}

/// <summary>A message failed validation before publishing or after receiving.</summary>
public sealed class MessageValidationException : HeraldException
{
    /// <summary>Creates the exception with the validation errors.</summary>
    public MessageValidationException(string messageType, IReadOnlyList<string> errors)
        : base($"{messageType} is invalid: {string.Join("; ", errors)}")
    {
        Errors = errors;
    }

    /// <summary>One line per failed rule.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>The access rules do not let this role publish to or consume from a destination.</summary>
public sealed class DestinationAccessDeniedException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public DestinationAccessDeniedException(string role, string operation, string destination)
        : base($"Role '{role}' may not {operation} '{destination}'.")
    {
        Role = role;
        Operation = operation;
        Destination = destination;
    }

    /// <summary>The role that was refused.</summary>
    public string Role { get; }

    /// <summary><c>publish</c> or <c>consume</c>.</summary>
    public string Operation { get; }

    /// <summary>The destination name.</summary>
    public string Destination { get; }
}
