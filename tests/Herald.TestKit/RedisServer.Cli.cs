using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Herald.TestKit;

public sealed partial class RedisServer
{
    private static readonly TimeSpan s_cliTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_pingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <c>redis-cli -e</c> against this server with the right credentials and TLS flags, then
    /// <paramref name="args"/>, and returns its standard output, trimmed. Later options override
    /// the kit's, so <c>CliAsync("--user", "app", "--pass", "wrong", "PING")</c> tries other credentials.
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-cli failed or the reply was an error; the message carries its standard error.</exception>
    public Task<string> CliAsync(params string[] args) => CliAsync(args, CancellationToken.None);

    /// <inheritdoc cref="CliAsync(string[])" />
    public async Task<string> CliAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ChildProcessResult run;
        try
        {
            run = await ChildProcess.RunAsync(RedisTools.CliPath, [.. CliConnectionArguments(), .. args], s_cliTimeout, cancellationToken: cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException($"{exception.Message} Install Redis with 'scripts/redis.sh install' (apt-get install redis-server redis-tools).", exception);
        }

        var standardOutput = run.Output.Trim();
        var standardError = run.Error.Trim();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"redis-cli {string.Join(' ', args)} against {Url} exited with {run.ExitCode}: {standardError} {standardOutput}"));
        }

        return standardOutput;
    }

    private IEnumerable<string> CliConnectionArguments()
    {
        yield return "-e";
        yield return "--no-auth-warning";
        yield return "-h";
        yield return Host;
        yield return "-p";
        yield return Port.ToString(CultureInfo.InvariantCulture);
        if (_options.Password is { } password)
        {
            yield return "--pass";
            yield return password;
        }
        else if (_options.AclUser is { } user)
        {
            yield return "--user";
            yield return user.Name;
            yield return "--pass";
            yield return user.Password;
        }

        if (Certificates is { } certificates)
        {
            yield return "--tls";
            yield return "--cacert";
            yield return certificates.AuthorityPemPath;
            yield return "--cert";
            yield return certificates.ClientCertificatePemPath;
            yield return "--key";
            yield return certificates.ClientKeyPemPath;
        }
    }

    // A raw socket rather than redis-cli: readiness is polled every few milliseconds and a process
    // per poll would cost more than the server's own start-up. NOAUTH also proves the server serves.
    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_pingTimeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(Host, Port, timeout.Token);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            await using var tls = Certificates is null ? null : new SslStream(network, leaveInnerStreamOpen: true);
            if (tls is not null)
                await tls.AuthenticateAsClientAsync(Certificates!.CreateClientOptions(), timeout.Token);

            Stream stream = tls ?? (Stream)network;
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }
}
