using Herald.Redis.Connections;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Redis.Sentinel;

/// <summary>
/// Finds the primary of a sentinel-managed service and follows failovers: asks the sentinels in turn
/// (<c>SENTINEL GET-MASTER-ADDR-BY-NAME</c>), checks the answer with <c>ROLE</c> on the server itself,
/// and listens on a sentinel for <c>+switch-master</c> so the client moves without waiting for errors.
/// </summary>
internal sealed class SentinelResolver : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly RedisOptions _sentinelOptions;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _monitor;
    private int _next;

    public SentinelResolver(RedisOptions options)
    {
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger("Herald.Redis") ?? NullLogger.Instance;
        _sentinelOptions = options.Clone();
        _sentinelOptions.User = options.SentinelUser;
        _sentinelOptions.Password = options.SentinelPassword;
        _sentinelOptions.Database = 0;
        _sentinelOptions.SentinelServiceName = null;
        _sentinelOptions.ClientName = (options.ClientName ?? "herald") + ":sentinel";
    }

    /// <summary>Called with the new primary when a sentinel announces a switch.</summary>
    public Action<RedisEndpoint>? PrimaryChanged { get; set; }

    public async ValueTask<RedisEndpoint> ResolvePrimaryAsync(CancellationToken cancellationToken)
    {
        _monitor ??= Task.Run(MonitorAsync, CancellationToken.None);
        var errors = new List<string>();
        for (var i = 0; i < _options.Endpoints.Count; i++)
        {
            var sentinel = _options.Endpoints[(_next + i) % _options.Endpoints.Count];
            try
            {
                await using var connection = await RedisConnection.ConnectAsync(sentinel, _sentinelOptions, subscriber: false, cancellationToken).ConfigureAwait(false);
                var reply = await connection.SendAsync(new RedisCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", _options.SentinelServiceName!), cancellationToken).ConfigureAwait(false);
                if (reply.IsNull || reply.Count < 2)
                {
                    errors.Add($"{sentinel}: does not know '{_options.SentinelServiceName}'");
                    continue;
                }

                var primary = new RedisEndpoint(reply[0].AsString()!, (int)reply[1].AsInt64());
                if (await IsPrimaryAsync(primary, cancellationToken).ConfigureAwait(false))
                {
                    // Start with the sentinel that answered next time: it is alive.
                    _next = (_next + i) % _options.Endpoints.Count;
                    return primary;
                }

                errors.Add($"{sentinel}: named {primary}, which is not a primary (failover in progress)");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (HeraldException exception)
            {
                errors.Add($"{sentinel}: {exception.Message}");
            }
        }

        throw new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false,
            $"No sentinel could name a primary for '{_options.SentinelServiceName}': {string.Join("; ", errors)}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_monitor is not null)
        {
            await _monitor.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task<bool> IsPrimaryAsync(RedisEndpoint endpoint, CancellationToken cancellationToken)
    {
        var options = _options.Clone();
        options.SentinelServiceName = null;
        await using var connection = await RedisConnection.ConnectAsync(endpoint, options, subscriber: false, cancellationToken).ConfigureAwait(false);
        var role = await connection.SendAsync(new RedisCommand("ROLE"), cancellationToken).ConfigureAwait(false);
        return role.Count > 0 && role[0].AsString() == "master";
    }

    // Holds a subscription to +switch-master on one sentinel at a time; moves on when that sentinel fails.
    private async Task MonitorAsync()
    {
        var index = 0;
        while (!_stop.IsCancellationRequested)
        {
            var sentinel = _options.Endpoints[index++ % _options.Endpoints.Count];
            try
            {
                await using var connection = await RedisConnection.ConnectAsync(sentinel, _sentinelOptions, subscriber: true, _stop.Token).ConfigureAwait(false);
                var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.Faulted = (_, _) => lost.TrySetResult();
                connection.PushHandler = OnPush;
                connection.TrySendWithoutReply(new RedisCommand("SUBSCRIBE", "+switch-master"));
                await lost.Task.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HeraldException)
            {
                // This sentinel is down; the next one is tried after a pause.
            }

            try
            {
                await Task.Delay(_options.ReconnectMaxDelay / 5, _options.TimeProvider, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnPush(RespValue push)
    {
        // ["message", "+switch-master", "<service> <old-ip> <old-port> <new-ip> <new-port>"]
        if (push.Count < 3 || !push[0].Is("message"u8))
        {
            return;
        }

        var parts = (push[2].AsString() ?? string.Empty).Split(' ');
        if (parts.Length >= 5 && parts[0] == _options.SentinelServiceName && int.TryParse(parts[4], System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            var endpoint = new RedisEndpoint(parts[3], port);
            RedisClientLog.PrimarySwitched(_logger, parts[0], endpoint);
            PrimaryChanged?.Invoke(endpoint);
        }
    }
}
