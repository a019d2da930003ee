using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;

namespace Herald.Redis.Connections;

internal sealed partial class RedisConnection
{
    private static readonly string s_libraryVersion = typeof(RedisConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Opens a socket (and TLS) to <paramref name="endpoint"/> and runs the handshake. Failures are
    /// <see cref="RedisConnectionException"/> (<see cref="RedisConnectionFailure.ConnectFailed"/>) or
    /// <see cref="RedisAuthenticationException"/>, never a raw socket error.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(RedisEndpoint endpoint, RedisOptions options, bool subscriber, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        RedisConnection? connection = null;
        try
        {
            ConfigureKeepAlive(socket, options.TcpKeepAlive);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (options.UseTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.TlsServerName ?? endpoint.Host,
                        ClientCertificates = options.ClientCertificates,
                        RemoteCertificateValidationCallback = options.ServerCertificateValidation,
                    },
                    deadline.Token).ConfigureAwait(false);
            }

            connection = new RedisConnection(endpoint, options, socket, stream) { SubscriberMode = subscriber };
            connection.StartReading();
            await connection.HandshakeAsync(deadline.Token).ConfigureAwait(false);
            RedisClientLog.Connected(connection._logger, endpoint, connection.ProtocolVersion, connection.ServerVersion, connection.Id);
            return connection;
        }
        catch (Exception exception)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                socket.Dispose();
            }

            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw ConnectFailure(endpoint, options, exception);
        }
    }

    private static Exception ConnectFailure(RedisEndpoint endpoint, RedisOptions options, Exception exception) => exception switch
    {
        RedisAuthenticationException auth => new RedisAuthenticationException($"Redis at {endpoint} refused the credentials: {auth.Message}", auth),
        RedisServerException { Kind: RedisErrorKind.NoPerm } server => new RedisAuthenticationException($"Redis at {endpoint} denied the handshake: {server.Message}", server),
        RedisServerException server => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"Redis at {endpoint} rejected the handshake: {server.Message}", server),
        OperationCanceledException => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"Connecting to {endpoint} timed out after {options.ConnectTimeout.TotalMilliseconds:F0} ms.", exception),
        SocketException socket => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"Cannot connect to {endpoint}: {socket.Message}", socket),
        AuthenticationException tls => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"TLS with {endpoint} failed: {tls.Message}", tls),
        RedisConnectionException { Failure: RedisConnectionFailure.ProtocolError } or RedisProtocolException
            => new RedisConnectionException(RedisConnectionFailure.ProtocolError, false, $"{endpoint} does not speak RESP: {Innermost(exception).Message}", exception),
        RedisConnectionException lost => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"Connecting to {endpoint} failed{AfterTls(options)}: {Innermost(lost).Message}", lost),
        IOException io => new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, $"Connecting to {endpoint} failed{AfterTls(options)}: {io.Message}", io),
        _ => exception,
    };

    // In TLS 1.3 the server checks the client certificate after the client considers the handshake done,
    // so its refusal arrives as a reset or an alert on the first read: say so, or the error looks like a network fault.
    private static string AfterTls(RedisOptions options) => options.UseTls
        ? " after the TLS handshake (a server that requires a client certificate drops the connection like this; check ClientCertificates)"
        : string.Empty;

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private static void ConfigureKeepAlive(Socket socket, TimeSpan idle)
    {
        if (idle <= TimeSpan.Zero)
        {
            return;
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        var seconds = Math.Max(1, (int)idle.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Math.Max(1, seconds / 3));
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var helloAccepted = false;
        if (_options.Protocol == RedisProtocol.Resp3)
        {
            var hello = new List<RedisArg> { 3 };
            if (_options.Password is not null)
            {
                hello.AddRange(["AUTH", _options.User ?? "default", _options.Password]);
            }

            if (!string.IsNullOrEmpty(_options.ClientName))
            {
                hello.AddRange(["SETNAME", _options.ClientName]);
            }

            try
            {
                var reply = await SendAsync(new RedisCommand("HELLO", [.. hello]), cancellationToken).ConfigureAwait(false);
                ApplyHello(reply);
                helloAccepted = true;
            }
            catch (RedisServerException error) when (error.Kind is RedisErrorKind.UnknownCommand or RedisErrorKind.NoProto)
            {
                // Redis before 6 has no HELLO, or the server refuses RESP3: speak RESP2.
            }
        }

        if (!helloAccepted)
        {
            ProtocolVersion = 2;
            if (_options.Password is not null)
            {
                var auth = _options.User is null
                    ? new RedisCommand("AUTH", _options.Password)
                    : new RedisCommand("AUTH", _options.User, _options.Password);
                await SendAsync(auth, cancellationToken).ConfigureAwait(false);
            }

            if (!string.IsNullOrEmpty(_options.ClientName))
            {
                await SendAsync(new RedisCommand("CLIENT", "SETNAME", _options.ClientName), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_options.Database != 0)
        {
            await SendAsync(new RedisCommand("SELECT", _options.Database), cancellationToken).ConfigureAwait(false);
        }

        // CLIENT SETINFO arrived in Redis 7.2; older servers answer with an error, which is harmless.
        var libraryName = SendAsync(new RedisCommand("CLIENT", "SETINFO", "LIB-NAME", "herald"), cancellationToken);
        var libraryVersion = SendAsync(new RedisCommand("CLIENT", "SETINFO", "LIB-VER", s_libraryVersion), cancellationToken);
        await IgnoreServerError(libraryName).ConfigureAwait(false);
        await IgnoreServerError(libraryVersion).ConfigureAwait(false);
        if (ServerVersion.Length == 0)
        {
            var info = await SendAsync(new RedisCommand("INFO", "server"), cancellationToken).ConfigureAwait(false);
            ServerVersion = ReadInfoField(info.AsString(), "redis_version") ?? string.Empty;
        }
    }

    private void ApplyHello(RespValue reply)
    {
        ProtocolVersion = 3;
        foreach (var (key, value) in reply.AsPairs())
        {
            switch (key.AsString())
            {
                case "version":
                    ServerVersion = value.AsString() ?? string.Empty;
                    break;
                case "proto":
                    ProtocolVersion = (int)value.AsInt64();
                    break;
                case "id":
                    ServerClientId = value.AsInt64();
                    break;
                case "role":
                    Role = value.AsString();
                    break;
            }
        }
    }

    private static async Task IgnoreServerError(ValueTask<RespValue> reply)
    {
        try
        {
            await reply.ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            // Optional command: an older server's refusal changes nothing.
        }
    }

    internal static string? ReadInfoField(string? info, string field)
    {
        if (info is null)
        {
            return null;
        }

        foreach (var line in info.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return trimmed[(field.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>Sends one command on this connection and waits for its reply (handshake, leases, subscriber control).</summary>
    public ValueTask<RespValue> SendAsync(in RedisCommand command, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var timeout = command.Timeout ?? _options.CommandTimeout;
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : start + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        var pending = PendingCommand<RespValue>.Rent(command.Name, RespParsers.Value, start, deadline, cancellationToken);
        if (!TryEnqueue(command, pending))
        {
            pending.TryFail(new RedisConnectionException(RedisConnectionFailure.ConnectionLost, false, $"{command.Name} was never sent: the connection to {Endpoint} is closed."));
            pending.ReleaseTransport();
        }

        return pending.AsValueTask();
    }
}
