using System.Buffers;
using System.Collections.Concurrent;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Redis.Connections;

/// <summary>
/// Everything the client keeps for one server: the multiplexed connection, the bounded backlog of
/// commands waiting for a connection, the reconnect loop, and the idle dedicated connections for leases.
/// The endpoint is resolved on every (re)connect, so a sentinel-managed primary is followed.
/// </summary>
internal sealed class NodeConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, ValueTask<RedisEndpoint>> _resolveEndpoint;
    private readonly ConcurrentQueue<BacklogEntry> _backlog = new();
    private readonly ConcurrentBag<RedisConnection> _idleLeases = [];
    private readonly ConcurrentDictionary<RedisConnection, bool> _leased = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _stateLock = new();

    private RedisConnection? _connection;
    private int _backlogCount;
    private Task? _reconnecting;
    private Exception? _lastConnectError;

    public NodeConnection(RedisOptions options, Func<CancellationToken, ValueTask<RedisEndpoint>> resolveEndpoint)
    {
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory?.CreateLogger("Herald.Redis") ?? NullLogger.Instance;
        _resolveEndpoint = resolveEndpoint;
    }

    /// <summary>The endpoint of the current connection, or of the last attempt.</summary>
    public RedisEndpoint? Endpoint { get; private set; }

    public RedisConnection? Current => Volatile.Read(ref _connection);

    public bool IsConnected => Current is { IsFaulted: false };

    /// <summary>Commands waiting for a connection.</summary>
    public int BacklogCount => Volatile.Read(ref _backlogCount);

    /// <summary>The first connect: failures reach the caller instead of starting a reconnect loop.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(subscriber: false, cancellationToken).ConfigureAwait(false);
        Publish(connection);
    }

    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var pending = Rent(command, parser, cancellationToken);
        if (pending.IsCompleted)
        {
            // The token was cancelled before the call: nothing is sent.
            pending.ReleaseTransport();
            return pending.AsValueTask();
        }

        var connection = Current;
        if (connection is null || !connection.TryEnqueue(command, pending))
        {
            EnqueueBacklog(command, pending);
        }

        return pending.AsValueTask();
    }

    /// <summary>Sends already-serialised commands as one contiguous unit (a batch or a transaction).</summary>
    public void EnqueueContiguous(ReadOnlySpan<byte> serialized, PendingCommand[] pendings)
    {
        var connection = Current;
        if (connection is not null && connection.TryEnqueue(serialized, pendings))
        {
            return;
        }

        AddToBacklog(new BacklogEntry(CopyToRented(serialized), serialized.Length, pendings));
    }

    public PendingCommand<T> Rent<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var timeout = Budget(command);
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : start + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        return PendingCommand<T>.Rent(command.Name, parser, start, deadline, cancellationToken);
    }

    /// <summary>Rents for <paramref name="command"/> sent right behind <paramref name="ahead"/>: its time starts when that of <paramref name="ahead"/> ends.</summary>
    public PendingCommand<T> RentBehind<T>(in RedisCommand ahead, in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        var first = Budget(ahead);
        var own = Budget(command);
        var deadline = first == Timeout.InfiniteTimeSpan || own == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : start + (long)((first + own).TotalSeconds * _time.TimestampFrequency);
        return PendingCommand<T>.Rent(command.Name, parser, start, deadline, cancellationToken);
    }

    /// <summary>A dedicated connection for blocking commands: an idle one, or a new one.</summary>
    public async ValueTask<RedisConnection> AcquireDedicatedAsync(CancellationToken cancellationToken)
    {
        while (_idleLeases.TryTake(out var idle))
        {
            if (!idle.IsFaulted)
            {
                _leased[idle] = true;
                return idle;
            }
        }

        var connection = await OpenAsync(subscriber: false, cancellationToken).ConfigureAwait(false);
        _leased[connection] = true;
        return connection;
    }

    /// <summary>Returns a dedicated connection; a broken one, or one beyond the idle limit, is closed.</summary>
    public async ValueTask ReleaseDedicatedAsync(RedisConnection connection, bool destroy)
    {
        _leased.TryRemove(connection, out _);
        if (!destroy && !connection.IsFaulted && connection.InFlightCount == 0 && !_disposed.IsCancellationRequested
            && _idleLeases.Count < _options.MaxIdleLeases)
        {
            _idleLeases.Add(connection);
            return;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private TimeSpan Budget(in RedisCommand command)
    {
        var timeout = command.Timeout ?? _options.CommandTimeout;
        return command.IsBlocking && timeout != Timeout.InfiniteTimeSpan ? timeout + _options.BlockingTimeoutMargin : timeout;
    }

    /// <summary>Opens a connection to the current endpoint (resolving it first).</summary>
    public async Task<RedisConnection> OpenAsync(bool subscriber, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var endpoint = await _resolveEndpoint(linked.Token).ConfigureAwait(false);
        Endpoint = endpoint;
        return await RedisConnection.ConnectAsync(endpoint, _options, subscriber, linked.Token).ConfigureAwait(false);
    }

    /// <summary>Timeouts, dead-socket detection, heartbeats and backlog expiry; called about every 100 ms.</summary>
    public void Sweep()
    {
        var now = _time.GetTimestamp();
        var connection = Current;
        if (connection is not null)
        {
            connection.Sweep(now);
            if (!connection.IsFaulted && connection.InFlightCount == 0 && connection.IsIdleLongerThan(_options.HeartbeatInterval))
            {
                // A PING on an idle connection turns a silent network failure into a timeout the sweep sees.
                _ = connection.SendHeartbeatAsync();
            }
        }

        foreach (var leased in _leased.Keys)
        {
            leased.Sweep(now);
        }

        ExpireBacklog(now);
    }

    /// <summary>Drops the current and the dedicated connections so the next command reconnects (used after a sentinel switch).</summary>
    public void ForceReconnect(string reason)
    {
        var error = new RedisConnectionException(RedisConnectionFailure.ConnectionLost, true, reason);
        Current?.Fault(error);

        // Dedicated connections lead to the same old server: idle ones are closed, leased ones fail their
        // call and the lease opens a fresh connection at its next one.
        while (_idleLeases.TryTake(out var idle))
        {
            idle.Fault(error);
        }

        foreach (var leased in _leased.Keys)
        {
            leased.Fault(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            connection.Faulted = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        while (_idleLeases.TryTake(out var idle))
        {
            await idle.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var leased in _leased.Keys)
        {
            await leased.DisposeAsync().ConfigureAwait(false);
        }

        FailBacklog(new RedisConnectionException(RedisConnectionFailure.Disposed, false, "The client was disposed before the command was sent."));
        if (_reconnecting is { } reconnecting)
        {
            await reconnecting.ConfigureAwait(false);
        }

        _disposed.Dispose();
    }

    // Publishing the connection and ending the reconnect loop are one step under the state lock, so a
    // caller that finds no connection either sees the loop still running or starts the only new one.
    private void Publish(RedisConnection connection)
    {
        connection.Faulted = OnFaulted;
        lock (_stateLock)
        {
            Volatile.Write(ref _connection, connection);
            Endpoint = connection.Endpoint;
            _reconnecting = null;
        }

        if (connection.IsFaulted)
        {
            // It failed before it was current, so its fault callback found nothing to replace.
            OnFaulted(connection, new IOException("The connection failed as it was published."));
        }
    }

    private void EnsureReconnecting()
    {
        lock (_stateLock)
        {
            if (Current is null && !_disposed.IsCancellationRequested)
            {
                _reconnecting ??= Task.Run(ReconnectLoopAsync);
            }
        }
    }

    private void OnFaulted(RedisConnection connection, Exception reason)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection || _disposed.IsCancellationRequested)
        {
            return;
        }

        EnsureReconnecting();
    }

    private async Task ReconnectLoopAsync()
    {
        var attempt = 0;
        var delay = _options.ReconnectMinDelay;
        while (!_disposed.IsCancellationRequested)
        {
            attempt++;
            try
            {
                var connection = await OpenAsync(subscriber: false, _disposed.Token).ConfigureAwait(false);
                var drained = DrainBacklog(connection);
                Publish(connection);

                // Commands that raced into the backlog while the connection was being published.
                drained += DrainBacklog(connection);
                _lastConnectError = null;
                RedisClientMetrics.Reconnected(connection.Endpoint);
                RedisClientLog.Reconnected(_logger, connection.Endpoint, attempt, drained);
                return;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                _lastConnectError = exception;
                if (exception is RedisAuthenticationException)
                {
                    // Waiting will not fix credentials: fail what waits now, keep trying for later calls.
                    FailBacklog(new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, exception.Message, exception));
                }

                // Exponential back-off with full jitter, so a fleet of clients does not reconnect in step.
                var jittered = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));
                RedisClientLog.ReconnectFailed(_logger, Endpoint ?? new RedisEndpoint("?", 0), attempt, jittered, exception.Message);
                try
                {
                    await Task.Delay(jittered, _time, _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }

        lock (_stateLock)
        {
            _reconnecting = null;
        }
    }

    private void EnqueueBacklog<T>(in RedisCommand command, PendingCommand<T> pending)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        command.WriteTo(buffer);
        AddToBacklog(new BacklogEntry(CopyToRented(buffer.WrittenSpan), buffer.WrittenCount, [pending]));
    }

    private void AddToBacklog(BacklogEntry entry)
    {
        if (_disposed.IsCancellationRequested)
        {
            entry.Fail(new RedisConnectionException(RedisConnectionFailure.Disposed, false, "The client is disposed."));
            return;
        }

        if (Interlocked.Add(ref _backlogCount, entry.Pendings.Length) > _options.BacklogLimit)
        {
            Interlocked.Add(ref _backlogCount, -entry.Pendings.Length);
            var reason = _lastConnectError is null ? string.Empty : $" Last connect error: {_lastConnectError.Message}";
            entry.Fail(new RedisConnectionException(RedisConnectionFailure.BacklogFull, false,
                $"{_options.BacklogLimit} commands are already waiting for a connection to {Endpoint}.{reason}"));
            return;
        }

        _backlog.Enqueue(entry);

        // The connection may have been published between the caller's check and this enqueue.
        if (Current is { } connection)
        {
            DrainBacklog(connection);
        }
        else
        {
            EnsureReconnecting();
        }
    }

    private int DrainBacklog(RedisConnection connection)
    {
        var sent = 0;
        lock (_backlog)
        {
            while (_backlog.TryPeek(out var entry))
            {
                if (entry.AllCompleted)
                {
                    // Cancelled or expired while waiting: it is never sent.
                    _backlog.TryDequeue(out _);
                    Interlocked.Add(ref _backlogCount, -entry.Pendings.Length);
                    entry.Release();
                    continue;
                }

                if (!connection.TryEnqueue(entry.Bytes.AsSpan(0, entry.Length), entry.Pendings))
                {
                    break;
                }

                _backlog.TryDequeue(out _);
                Interlocked.Add(ref _backlogCount, -entry.Pendings.Length);
                ArrayPool<byte>.Shared.Return(entry.Bytes);
                sent += entry.Pendings.Length;
            }
        }

        return sent;
    }

    private void ExpireBacklog(long now)
    {
        if (_backlog.IsEmpty)
        {
            return;
        }

        foreach (var entry in _backlog)
        {
            foreach (var pending in entry.Pendings)
            {
                if (pending.Deadline <= now && pending.TryFail(new RedisTimeoutException(false,
                    $"{pending.CommandName} waited {_time.GetElapsedTime(pending.StartTimestamp).TotalMilliseconds:F0} ms for a connection to {Endpoint} and was not sent."
                    + (_lastConnectError is null ? string.Empty : $" Last connect error: {_lastConnectError.Message}"))))
                {
                    RedisClientMetrics.CommandFailed("timeout");
                }
            }
        }

        if (Current is { } connection)
        {
            DrainBacklog(connection);
        }
        else
        {
            lock (_backlog)
            {
                while (_backlog.TryPeek(out var head) && head.AllCompleted)
                {
                    _backlog.TryDequeue(out _);
                    Interlocked.Add(ref _backlogCount, -head.Pendings.Length);
                    head.Release();
                }
            }
        }
    }

    private void FailBacklog(Exception reason)
    {
        lock (_backlog)
        {
            while (_backlog.TryDequeue(out var entry))
            {
                Interlocked.Add(ref _backlogCount, -entry.Pendings.Length);
                entry.Fail(reason);
            }
        }
    }

    private static byte[] CopyToRented(ReadOnlySpan<byte> serialized)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(serialized.Length, 1));
        serialized.CopyTo(bytes);
        return bytes;
    }

    private sealed record BacklogEntry(byte[] Bytes, int Length, PendingCommand[] Pendings)
    {
        public bool AllCompleted => Array.TrueForAll(Pendings, static p => p.IsCompleted);

        public void Fail(Exception reason)
        {
            foreach (var pending in Pendings)
            {
                if (pending.TryFail(reason))
                {
                    RedisClientMetrics.CommandFailed("not_sent");
                }
            }

            Release();
        }

        public void Release()
        {
            foreach (var pending in Pendings)
            {
                pending.ReleaseTransport();
            }

            ArrayPool<byte>.Shared.Return(Bytes);
        }
    }
}
