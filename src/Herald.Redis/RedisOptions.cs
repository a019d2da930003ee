using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Redis;

/// <summary>
/// How to reach Redis and how the client behaves. Plain settable properties with documented defaults;
/// <see cref="Validate"/> runs once when a client is created, so a mistake is a clear exception at
/// start-up rather than a surprise later. Build one from a URL with <see cref="Parse"/>.
/// </summary>
public sealed class RedisOptions
{
    private const int DefaultPort = 6379;
    private const int DefaultSentinelPort = 26379;

    /// <summary>The servers to connect to (standalone: the first one; sentinel: the sentinels). Default <c>127.0.0.1:6379</c>, or <c>127.0.0.1:26379</c> for sentinel.</summary>
    public IList<RedisEndpoint> Endpoints { get; } = [];

    /// <summary>The ACL user name, or <see langword="null"/> for the <c>default</c> user.</summary>
    public string? User { get; set; }

    /// <summary>The password, or <see langword="null"/> when the server needs none.</summary>
    public string? Password { get; set; }

    /// <summary>The database selected after connecting. Default 0.</summary>
    public int Database { get; set; }

    /// <summary>The name shown by <c>CLIENT LIST</c>. Default <c>herald</c>.</summary>
    public string? ClientName { get; set; } = "herald";

    /// <summary>The protocol to negotiate. Default <see cref="RedisProtocol.Resp3"/> (falls back to RESP2).</summary>
    public RedisProtocol Protocol { get; set; } = RedisProtocol.Resp3;

    /// <summary>Connect with TLS. Default false (true for <c>rediss://</c>).</summary>
    public bool UseTls { get; set; }

    /// <summary>The name expected on the server certificate and sent as SNI; default the endpoint's host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Client certificates offered for mutual TLS.</summary>
    public X509CertificateCollection ClientCertificates { get; } = [];

    /// <summary>Overrides server certificate validation (for a private CA); default the operating system's validation.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>Time allowed for TCP connect, TLS and the handshake. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default deadline of a command from the call to its reply, including time in the backlog. Default 5 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra time a blocking command gets beyond its own server-side timeout. Default 5 s.</summary>
    public TimeSpan BlockingTimeoutMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most commands that may wait for a connection while reconnecting; beyond it calls fail fast. Default 10,000.</summary>
    public int BacklogLimit { get; set; } = 10_000;

    /// <summary>First reconnect delay; it doubles per failed attempt, with full jitter. Default 50 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Largest reconnect delay. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When nothing has been read for this long, the client sends a <c>PING</c>; a connection whose PING
    /// (or any command) times out without a single byte read is declared dead. Default 5 s.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>TCP keep-alive idle time (the OS probes after it). Default 30 s; <see cref="TimeSpan.Zero"/> disables keep-alive.</summary>
    public TimeSpan TcpKeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most idle dedicated connections kept for blocking commands. Default 16.</summary>
    public int MaxIdleLeases { get; set; } = 16;

    /// <summary>Bounds on replies. Default <see cref="RespLimits.Default"/>.</summary>
    public RespLimits Limits { get; set; } = RespLimits.Default;

    /// <summary>Capacity of each subscription's message channel; when full the oldest message is dropped and counted. Default 10,000.</summary>
    public int SubscriptionBufferSize { get; set; } = 10_000;

    /// <summary>The sentinel service (master) name; set to use Redis Sentinel, with <see cref="Endpoints"/> naming the sentinels.</summary>
    public string? SentinelServiceName { get; set; }

    /// <summary>The sentinels' ACL user, when it differs from <see cref="User"/>.</summary>
    public string? SentinelUser { get; set; }

    /// <summary>The sentinels' password, when they need one.</summary>
    public string? SentinelPassword { get; set; }

    /// <summary>The clock used for deadlines and back-off. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the client logs. Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>True when <see cref="SentinelServiceName"/> is set.</summary>
    public bool UsesSentinel => !string.IsNullOrEmpty(SentinelServiceName);

    /// <summary>
    /// Parses a connection URL:
    /// <c>redis://[user:password@]host[:port][/db][?option=value…]</c>,
    /// <c>rediss://…</c> for TLS, and
    /// <c>redis-sentinel://[user:password@]host:port[,host:port…]/service[/db][?…]</c>.
    /// Options: <c>name</c>, <c>protocol</c> (2 or 3), <c>timeout</c>, <c>connectTimeout</c>
    /// (milliseconds or a suffix <c>ms</c>/<c>s</c>), <c>sni</c>, <c>sentinelUser</c>, <c>sentinelPassword</c>, <c>tls</c>.
    /// </summary>
    /// <exception cref="FormatException">The URL is not one of these forms.</exception>
    public static RedisOptions Parse(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var options = new RedisOptions();
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            // A bare "host:port" is accepted as a convenience.
            options.Endpoints.Add(RedisEndpoint.Parse(url));
            return options;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var sentinel = scheme is "redis-sentinel" or "rediss-sentinel";
        options.UseTls = scheme is "rediss" or "rediss-sentinel";
        if (scheme is not ("redis" or "rediss") && !sentinel)
        {
            throw new FormatException($"Unknown scheme '{scheme}': use redis://, rediss:// or redis-sentinel://.");
        }

        var query = string.Empty;
        var questionMark = rest.IndexOf('?', StringComparison.Ordinal);
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
        }

        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = rest[..at];
            rest = rest[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? string.Empty : Uri.UnescapeDataString(credentials[..colon]);
            var password = Uri.UnescapeDataString(colon < 0 ? credentials : credentials[(colon + 1)..]);
            options.User = user.Length == 0 ? null : user;
            options.Password = password.Length == 0 ? null : password;
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var hosts = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        foreach (var host in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.Endpoints.Add(RedisEndpoint.Parse(host, sentinel ? DefaultSentinelPort : DefaultPort));
        }

        var segments = path.Length == 0 ? [] : path.Split('/');
        if (sentinel)
        {
            if (segments.Length == 0 || segments[0].Length == 0)
            {
                throw new FormatException("A redis-sentinel:// URL names the service after the hosts: redis-sentinel://host:26379/mymaster.");
            }

            options.SentinelServiceName = Uri.UnescapeDataString(segments[0]);
            segments = segments[1..];
        }

        if (segments.Length > 1)
        {
            throw new FormatException($"Unexpected path '/{path}' in the URL.");
        }

        if (segments.Length == 1 && segments[0].Length > 0)
        {
            options.Database = int.TryParse(segments[0], NumberStyles.None, CultureInfo.InvariantCulture, out var db)
                ? db
                : throw new FormatException($"'{segments[0]}' is not a database number.");
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = Uri.UnescapeDataString(equals < 0 ? string.Empty : pair[(equals + 1)..]);
            ApplyQueryOption(options, key, value);
        }

        return options;
    }

    /// <summary>A copy of these options (the endpoint list and certificate collection are copied).</summary>
    public RedisOptions Clone()
    {
        var clone = new RedisOptions
        {
            User = User, Password = Password, Database = Database, ClientName = ClientName, Protocol = Protocol,
            UseTls = UseTls, TlsServerName = TlsServerName, ServerCertificateValidation = ServerCertificateValidation,
            ConnectTimeout = ConnectTimeout, CommandTimeout = CommandTimeout, BlockingTimeoutMargin = BlockingTimeoutMargin,
            BacklogLimit = BacklogLimit, ReconnectMinDelay = ReconnectMinDelay, ReconnectMaxDelay = ReconnectMaxDelay,
            HeartbeatInterval = HeartbeatInterval, TcpKeepAlive = TcpKeepAlive, MaxIdleLeases = MaxIdleLeases, Limits = Limits,
            SubscriptionBufferSize = SubscriptionBufferSize, SentinelServiceName = SentinelServiceName,
            SentinelUser = SentinelUser, SentinelPassword = SentinelPassword, TimeProvider = TimeProvider, LoggerFactory = LoggerFactory,
        };
        foreach (var endpoint in Endpoints)
        {
            clone.Endpoints.Add(endpoint);
        }

        clone.ClientCertificates.AddRange(ClientCertificates);
        return clone;
    }

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first one that is wrong.</summary>
    public void Validate()
    {
        if (Endpoints.Count == 0)
        {
            Endpoints.Add(new RedisEndpoint("127.0.0.1", UsesSentinel ? DefaultSentinelPort : DefaultPort));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Database, nameof(Database));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(CommandTimeout, nameof(CommandTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockingTimeoutMargin, TimeSpan.Zero, nameof(BlockingTimeoutMargin));
        ArgumentOutOfRangeException.ThrowIfNegative(BacklogLimit, nameof(BacklogLimit));
        Positive(ReconnectMinDelay, nameof(ReconnectMinDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxDelay, ReconnectMinDelay, nameof(ReconnectMaxDelay));
        Positive(HeartbeatInterval, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(TcpKeepAlive, TimeSpan.Zero, nameof(TcpKeepAlive));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxIdleLeases, nameof(MaxIdleLeases));
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriptionBufferSize, 1, nameof(SubscriptionBufferSize));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        Limits.Validate();
        if (Protocol is not (RedisProtocol.Resp2 or RedisProtocol.Resp3))
        {
            throw new ArgumentOutOfRangeException(nameof(Protocol), Protocol, "Protocol is Resp2 or Resp3.");
        }

        if (User is not null && Password is null)
        {
            throw new ArgumentException("A user name needs a password.", nameof(User));
        }

        if (SentinelUser is not null && SentinelPassword is null)
        {
            throw new ArgumentException("A sentinel user name needs a sentinel password.", nameof(SentinelUser));
        }

        foreach (var endpoint in Endpoints)
        {
            if (endpoint.Port is < 1 or > 65535 || string.IsNullOrWhiteSpace(endpoint.Host))
            {
                throw new ArgumentException($"'{endpoint}' is not a valid endpoint.", nameof(Endpoints));
            }
        }
    }

    /// <summary>The URL form of these options, without the password.</summary>
    public override string ToString()
    {
        var scheme = (UsesSentinel ? "redis-sentinel" : "redis").Replace("redis", UseTls ? "rediss" : "redis", StringComparison.Ordinal);
        var user = User is null ? (Password is null ? string.Empty : ":***@") : $"{Uri.EscapeDataString(User)}:***@";
        var hosts = string.Join(',', Endpoints.DefaultIfEmpty(new RedisEndpoint("127.0.0.1", UsesSentinel ? DefaultSentinelPort : DefaultPort)));
        var service = UsesSentinel ? "/" + SentinelServiceName : string.Empty;
        var db = Database == 0 ? string.Empty : "/" + Database.ToString(CultureInfo.InvariantCulture);
        return $"{scheme}://{user}{hosts}{service}{db}";
    }

    private static void ApplyQueryOption(RedisOptions options, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "name":
                options.ClientName = value;
                break;
            case "protocol":
                options.Protocol = value switch
                {
                    "2" or "resp2" => RedisProtocol.Resp2,
                    "3" or "resp3" => RedisProtocol.Resp3,
                    _ => throw new FormatException($"protocol={value}: use 2 or 3."),
                };
                break;
            case "timeout":
                options.CommandTimeout = ParseDuration(key, value);
                break;
            case "connecttimeout":
                options.ConnectTimeout = ParseDuration(key, value);
                break;
            case "sni":
                options.TlsServerName = value;
                break;
            case "tls":
                options.UseTls = value is "" or "true" or "1" or "yes";
                break;
            case "sentineluser":
                options.SentinelUser = value;
                break;
            case "sentinelpassword":
                options.SentinelPassword = value;
                break;
            case "db":
                options.Database = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var database)
                    ? database
                    : throw new FormatException($"db={value} is not a database number.");
                break;
            default:
                throw new FormatException($"Unknown connection option '{key}'.");
        }
    }

    private static TimeSpan ParseDuration(string key, string value)
    {
        var (number, scale) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 1.0)
            : value.EndsWith('s') ? (value[..^1], 1000.0)
            : (value, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? TimeSpan.FromMilliseconds(amount * scale)
            : throw new FormatException($"{key}={value} is not a duration (e.g. 500ms or 2s).");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
