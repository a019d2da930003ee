namespace Herald.Redis;

/// <summary>The RESP version to ask for in the handshake.</summary>
public enum RedisProtocol
{
    /// <summary>RESP3 via <c>HELLO 3</c>, falling back to RESP2 when the server does not support it.</summary>
    Resp3 = 3,

    /// <summary>RESP2 only (no <c>HELLO</c>; <c>AUTH</c> and <c>CLIENT SETNAME</c> instead).</summary>
    Resp2 = 2,
}
