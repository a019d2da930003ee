using System.Security.Authentication;
using System.Text;

namespace Herald.TestKit.Tests;

public sealed class TlsRedisFixtureTests(TlsRedisFixture fixture) : IClassFixture<TlsRedisFixture>
{
    [Fact]
    public async Task CliAsync_Tls_AnswersPing()
    {
        fixture.Url.Should().Be($"rediss://127.0.0.1:{fixture.Server.Port}");

        (await fixture.Server.CliAsync("PING")).Should().Be("PONG");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SslStream_TrustingTheTestAuthority_AnswersPing(bool withClientCertificate)
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server.Port, fixture.Certificates.CreateClientOptions(withClientCertificate));

        (await client.CallAsync("PING")).Should().Be("+PONG");
    }

    [Fact]
    public async Task Certificates_PemFiles_WereWrittenForRedis()
    {
        var certificates = fixture.Certificates;

        File.ReadAllText(certificates.AuthorityPemPath).Should().StartWith("-----BEGIN CERTIFICATE-----");
        File.ReadAllText(certificates.ServerKeyPemPath).Should().StartWith("-----BEGIN PRIVATE KEY-----");
        certificates.Client.HasPrivateKey.Should().BeTrue();
        (await fixture.Server.CliAsync("CONFIG", "GET", "port")).Should().Be("port\n0");
    }

    [Fact]
    public async Task RawClient_Plaintext_GetsNoReply()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server.Port);

        await client.SendCommandAsync("PING");
        byte[] reply;
        try
        {
            reply = await client.ReceiveToEndAsync();
        }
        catch (IOException)
        {
            // The server took the bytes for a broken TLS handshake and reset the connection.
            reply = [];
        }

        Encoding.ASCII.GetString(reply).Should().NotContain("PONG");
    }

    [Fact]
    public async Task StartAsync_RequireClientCertificate_RefusesClientsWithoutOne()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { Tls = true, TlsRequireClientCertificate = true });

        var act = async () =>
        {
            await using var client = await RawClient.ConnectAsync(server.Port, server.Certificates!.CreateClientOptions(withClientCertificate: false));
            await client.SendCommandAsync("PING");
            return await client.ReceiveLineAsync();
        };

        await act.Should().ThrowAsync<Exception>().Where(e => e is IOException || e is AuthenticationException);
        (await server.CliAsync("PING")).Should().Be("PONG");
    }
}
