namespace Herald.TestKit;

/// <summary>
/// A server that speaks only TLS, with certificates from a fresh test authority; client
/// certificates are accepted but not required.
/// </summary>
public sealed class TlsRedisFixture : RedisFixture
{
    /// <summary>The authority, server and client certificates.</summary>
    public TestCertificates Certificates => Server.Certificates!;

    /// <inheritdoc />
    protected override RedisServerOptions Options => new() { Tls = true };
}
