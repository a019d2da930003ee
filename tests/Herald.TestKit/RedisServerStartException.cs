namespace Herald.TestKit;

/// <summary>A redis-server did not come up; the message carries the tail of its log.</summary>
public sealed class RedisServerStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisServerStartException(string message, bool portInUse)
        : base(message) => PortInUse = portInUse;

    /// <summary>The server could not bind its port (another process took it).</summary>
    public bool PortInUse { get; }
}
