namespace Herald.Redis;

/// <summary>Why a command failed without a reply from the server.</summary>
public enum RedisConnectionFailure
{
    /// <summary>No connection could be made (refused, unreachable, handshake failed).</summary>
    ConnectFailed,

    /// <summary>The connection broke (reset, closed, killed) while the command was queued or in flight.</summary>
    ConnectionLost,

    /// <summary>The server sent bytes that are not valid RESP; the connection was dropped.</summary>
    ProtocolError,

    /// <summary>The command's deadline passed before a reply.</summary>
    Timeout,

    /// <summary>Too many commands were waiting for a connection.</summary>
    BacklogFull,

    /// <summary>The client was disposed.</summary>
    Disposed,
}

/// <summary>
/// A command failed because of the connection, not because the server rejected it.
/// <see cref="MayHaveExecuted"/> tells whether the server might have run it: only then is a retry unsafe
/// for a non-idempotent command.
/// </summary>
public class RedisConnectionException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public RedisConnectionException(RedisConnectionFailure failure, bool mayHaveExecuted, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        MayHaveExecuted = mayHaveExecuted;
    }

    /// <summary>What went wrong.</summary>
    public RedisConnectionFailure Failure { get; }

    /// <summary>True when the command had been written to the socket, so the server may have run it.</summary>
    public bool MayHaveExecuted { get; }
}

/// <summary>A command's deadline passed. When <see cref="RedisConnectionException.MayHaveExecuted"/> is true the reply may still arrive and is discarded.</summary>
public sealed class RedisTimeoutException : RedisConnectionException
{
    /// <summary>Creates the exception.</summary>
    public RedisTimeoutException(bool mayHaveExecuted, string message)
        : base(RedisConnectionFailure.Timeout, mayHaveExecuted, message)
    {
    }
}

/// <summary>The server sent something that is not valid RESP, or a reply exceeded a configured limit.</summary>
public sealed class RedisProtocolException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public RedisProtocolException(string message)
        : base(message)
    {
    }
}
