using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Redis.Tests.Security;

public sealed class TlsTests(TlsRedisFixture fixture) : IClassFixture<TlsRedisFixture>
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_fast = TimeSpan.FromSeconds(10);

    [TlsTheory]
    [BothProtocols]
    public async Task ConnectAsync_RedissTrustingTheTestAuthority_RunsCommands(RedisProtocol protocol)
    {
        var key = fixture.NewPrefix() + "k";
        var options = TrustingOptions(protocol);
        await using var client = await RedisClient.ConnectAsync(options);

        await client.ExecuteAsync("SET", key, "over tls");

        options.UseTls.Should().BeTrue("the URL is rediss://");
        (await client.ExecuteAsync("GET", key)).AsString().Should().Be("over tls");
        client.ProtocolVersion.Should().Be((int)protocol);
    }

    [TlsFact]
    public async Task ConnectAsync_SniNamingTheCertificate_RunsCommands()
    {
        var options = RedisOptions.Parse(fixture.Url + "?sni=localhost");
        options.ServerCertificateValidation = fixture.Certificates.ValidateServerCertificate;
        await using var client = await RedisClient.ConnectAsync(options);

        (await client.ExecuteAsync("PING")).AsString().Should().Be("PONG");
    }

    [TlsTheory]
    [BothProtocols]
    public async Task SubscribeAsync_OverTls_ReceivesMessages(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "ch";
        await using var client = await RedisClient.ConnectAsync(TrustingOptions(protocol));
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);

        await client.ExecuteAsync("PUBLISH", channel, "secret news");

        (await subscription.Reader.ReadAsync().AsTask().WaitAsync(s_connectTimeout)).PayloadAsString().Should().Be("secret news");
    }

    [TlsFact]
    public async Task ConnectAsync_ServerNameNotOnTheCertificate_FailsWithATlsConnectError()
    {
        var options = TrustingOptions(RedisProtocol.Resp3);
        options.TlsServerName = "wrong.example";

        var error = await ConnectFailureAsync(options);

        error.Message.Should().Contain("TLS").And.Contain($"127.0.0.1:{fixture.Server.Port}");
    }

    [TlsFact]
    public async Task ConnectAsync_AuthorityNotTrusted_FailsWithATlsConnectError()
    {
        var options = RedisOptions.Parse(fixture.Url);
        options.ConnectTimeout = s_connectTimeout;

        var error = await ConnectFailureAsync(options);

        error.Message.Should().Contain("TLS");
    }

    [TlsFact]
    public async Task ConnectAsync_PlainTextToATlsPort_FailsWithAConnectError()
    {
        var options = RedisOptions.Parse(fixture.Url.Replace("rediss://", "redis://", StringComparison.Ordinal));
        options.ConnectTimeout = s_connectTimeout;

        await ConnectFailureAsync(options);
    }

    private RedisOptions TrustingOptions(RedisProtocol protocol)
    {
        var options = RedisOptions.Parse(fixture.Url);
        options.Protocol = protocol;
        options.ConnectTimeout = s_connectTimeout;
        options.ServerCertificateValidation = fixture.Certificates.ValidateServerCertificate;
        return options;
    }

    internal static async Task<RedisConnectionException> ConnectFailureAsync(RedisOptions options)
    {
        var clock = Stopwatch.StartNew();
        var connect = async () => await RedisClient.ConnectAsync(options);

        var error = (await connect.Should().ThrowAsync<RedisConnectionException>()).Which;

        clock.Elapsed.Should().BeLessThan(s_fast, "a refused TLS handshake ends the attempt, not the connect timeout");
        error.Failure.Should().Be(RedisConnectionFailure.ConnectFailed);
        error.MayHaveExecuted.Should().BeFalse();
        return error;
    }
}

public sealed class MutualTlsTests(MutualTlsRedisFixture fixture) : IClassFixture<MutualTlsRedisFixture>
{
    [TlsTheory]
    [BothProtocols]
    public async Task ConnectAsync_WithTheClientCertificate_RunsCommands(RedisProtocol protocol)
    {
        var options = Options(protocol);
        options.ClientCertificates.Add(fixture.Certificates.Client);
        await using var client = await RedisClient.ConnectAsync(options);

        (await client.ExecuteAsync("PING")).AsString().Should().Be("PONG");
    }

    [TlsTheory]
    [BothProtocols]
    public async Task ConnectAsync_WithoutAClientCertificate_FailsWithATlsConnectError(RedisProtocol protocol)
    {
        var error = await TlsTests.ConnectFailureAsync(Options(protocol));

        error.Message.Should().Contain("TLS").And.Contain($"127.0.0.1:{fixture.Server.Port}");
    }

    private RedisOptions Options(RedisProtocol protocol)
    {
        var options = RedisOptions.Parse(fixture.Url);
        options.Protocol = protocol;
        options.ConnectTimeout = TimeSpan.FromSeconds(30);
        options.ServerCertificateValidation = fixture.Certificates.ValidateServerCertificate;
        return options;
    }
}
