namespace Herald.TestKit;

/// <summary>How <see cref="RedisServer.StartAsync"/> configures a private redis-server.</summary>
public sealed record RedisServerOptions
{
    /// <summary>Password of the default user (<c>requirepass</c>); null leaves the server open.</summary>
    public string? Password { get; init; }

    /// <summary>An extra ACL user created at start-up.</summary>
    public RedisAclUser? AclUser { get; init; }

    /// <summary>Serve TLS only (the plain port is closed), with certificates generated for the server.</summary>
    public bool Tls { get; init; }

    /// <summary>With <see cref="Tls"/>, refuse clients that present no certificate signed by the test authority.</summary>
    public bool TlsRequireClientCertificate { get; init; }

    /// <summary><c>appendonly yes</c> with <c>appendfsync always</c>, so data survives <see cref="RedisServer.RestartAsync"/>.</summary>
    public bool AppendOnly { get; init; }

    /// <summary>Appended to the redis-server command line, e.g. <c>"--replicaof", "127.0.0.1", "6380"</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>An ACL user; <paramref name="Rules"/> are space-separated ACL rules such as <c>"~app:* +@all"</c>.</summary>
/// <remarks>The user is always switched <c>on</c>; rules may still say <c>off</c>.</remarks>
public sealed record RedisAclUser(string Name, string Password, string Rules);
