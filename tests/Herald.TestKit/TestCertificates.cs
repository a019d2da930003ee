using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.TestKit;

/// <summary>
/// A throw-away certificate authority with a server and a client certificate, generated in-process
/// (ECDSA P-256) and written as PEM files for redis-server and redis-cli.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");

    private TestCertificates(string directory, X509Certificate2 authority, X509Certificate2 server, X509Certificate2 client)
    {
        Directory = directory;
        Authority = authority;
        Server = server;
        Client = client;
        AuthorityPemPath = Path.Combine(directory, "ca.crt");
        ServerCertificatePemPath = Path.Combine(directory, "server.crt");
        ServerKeyPemPath = Path.Combine(directory, "server.key");
        ClientCertificatePemPath = Path.Combine(directory, "client.crt");
        ClientKeyPemPath = Path.Combine(directory, "client.key");
    }

    /// <summary>The self-signed authority that signed <see cref="Server"/> and <see cref="Client"/>.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate, valid for <c>localhost</c> and <c>127.0.0.1</c>, with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The client certificate for mutual TLS, with its private key.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>The folder the PEM files are in.</summary>
    public string Directory { get; }

    /// <summary>The authority certificate (<c>--tls-ca-cert-file</c>, <c>--cacert</c>).</summary>
    public string AuthorityPemPath { get; }

    /// <summary>The server certificate (<c>--tls-cert-file</c>).</summary>
    public string ServerCertificatePemPath { get; }

    /// <summary>The server private key, PKCS#8 (<c>--tls-key-file</c>).</summary>
    public string ServerKeyPemPath { get; }

    /// <summary>The client certificate (<c>--cert</c>).</summary>
    public string ClientCertificatePemPath { get; }

    /// <summary>The client private key, PKCS#8 (<c>--key</c>).</summary>
    public string ClientKeyPemPath { get; }

    /// <summary>Generates the three certificates and writes them into <paramref name="directory"/>.</summary>
    public static TestCertificates Create(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var now = TimeProvider.System.GetUtcNow();
        var notBefore = now.AddDays(-1);
        var notAfter = now.AddDays(30);

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Herald Test Authority", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter);

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        var server = Issue(authority, "CN=localhost", names.Build(), notBefore, notAfter, s_serverAuth, s_clientAuth);
        var client = Issue(authority, "CN=herald-test-client", null, notBefore, notAfter, s_clientAuth);

        var certificates = new TestCertificates(directory, authority, server, client);
        certificates.WritePemFiles();
        return certificates;
    }

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/> that trusts only <see cref="Authority"/>,
    /// for <see cref="SslStream"/> clients in tests.
    /// </summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        if (certificate is null || (sslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            return false;

        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.Add(Authority);
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 presented)
            return customChain.Build(presented);
        using var copy = new X509Certificate2(certificate);
        return customChain.Build(copy);
    }

    /// <summary>Client options for <see cref="SslStream.AuthenticateAsClientAsync(SslClientAuthenticationOptions, CancellationToken)"/>.</summary>
    /// <param name="withClientCertificate">Present <see cref="Client"/> (mutual TLS).</param>
    public SslClientAuthenticationOptions CreateClientOptions(bool withClientCertificate = true) => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = ValidateServerCertificate,
        ClientCertificates = withClientCertificate ? [Client] : null,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(
        X509Certificate2 authority,
        string subject,
        X509Extension? alternativeNames,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        params Oid[] usages)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (alternativeNames is not null)
            request.CertificateExtensions.Add(alternativeNames);

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(authority, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static void WriteKeyPem(X509Certificate2 certificate, string path)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"{certificate.Subject} has no ECDSA private key.");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
    }

    private void WritePemFiles()
    {
        File.WriteAllText(AuthorityPemPath, Authority.ExportCertificatePem());
        File.WriteAllText(ServerCertificatePemPath, Server.ExportCertificatePem());
        File.WriteAllText(ClientCertificatePemPath, Client.ExportCertificatePem());
        WriteKeyPem(Server, ServerKeyPemPath);
        WriteKeyPem(Client, ClientKeyPemPath);
    }
}
