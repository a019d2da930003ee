using Herald.TestKit;

namespace Herald.Redis.Tests.Security;

/// <summary>A TLS-only server that refuses clients without a certificate from the test authority.</summary>
public sealed class MutualTlsRedisFixture : RedisFixture
{
    public TestCertificates Certificates => Server.Certificates!;

    protected override RedisServerOptions Options => new() { Tls = true, TlsRequireClientCertificate = true };
}
