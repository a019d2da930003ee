using Herald.Redis.Connections;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Redis.PubSub;

/// <summary>
/// The pub/sub side of a <see cref="RedisClient"/>, on its own connection. It keeps the set of
/// subscriptions the application wants; whenever the connection is re-established (server restart,
/// killed connection, failover) the whole set is subscribed again on the new connection, exactly once.
/// Messages published while disconnected are lost: pub/sub is at-most-once. Use streams for more.
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable
{
    private readonly NodeConnection _node;
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<(SubscriptionKind Kind, string Name), List<Subscription>> _desired = [];
    private readonly Dictionary<(SubscriptionKind Kind, string Name), TaskCompletionSource> _confirmations = [];
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private RedisConnection? _connection;

    // What the current connection has been asked to subscribe; each name is sent once per connection.
    private HashSet<(SubscriptionKind Kind, string Name)> _sentOnConnection = [];
    private Task? _reconnecting;
    private long _connections;

    internal RedisSubscriber(NodeConnection node, RedisOptions options)
    {
        _node = node;
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger("Herald.Redis") ?? NullLogger.Instance;
    }

    /// <summary>True while the subscriber connection is up.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsFaulted: false };

    /// <summary>How many times a subscriber connection was opened (the first time included).</summary>
    public long ConnectionCount => Interlocked.Read(ref _connections);

    /// <summary>Number of distinct channels, patterns and sharded channels subscribed.</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_lock)
            {
                return _desired.Count;
            }
        }
    }

    /// <summary>Subscribes to a channel; returns after the server confirmed.</summary>
    public ValueTask<Subscription> SubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        AddAsync(SubscriptionKind.Channel, channel, cancellationToken);

    /// <summary>Subscribes to every channel matching a glob <paramref name="pattern"/> (<c>orders:*</c>).</summary>
    public ValueTask<Subscription> PatternSubscribeAsync(string pattern, CancellationToken cancellationToken = default) =>
        AddAsync(SubscriptionKind.Pattern, pattern, cancellationToken);

    /// <summary>Subscribes to a sharded channel (Redis 7 <c>SSUBSCRIBE</c>).</summary>
    public ValueTask<Subscription> ShardedSubscribeAsync(string channel, CancellationToken cancellationToken = default) =>
        AddAsync(SubscriptionKind.Sharded, channel, cancellationToken);

    /// <summary>Closes the connection and completes every subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        List<Subscription> all;
        lock (_lock)
        {
            all = [.. _desired.Values.SelectMany(static s => s)];
            _desired.Clear();
        }

        foreach (var subscription in all)
        {
            subscription.Complete();
        }

        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            connection.Faulted = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_reconnecting is { } reconnecting)
        {
            await reconnecting.ConfigureAwait(false);
        }
    }

    internal void Sweep()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            return;
        }

        connection.Sweep(_options.TimeProvider.GetTimestamp());
        if (!connection.IsFaulted && connection.InFlightCount == 0 && connection.IsIdleLongerThan(_options.HeartbeatInterval))
        {
            _ = connection.SendHeartbeatAsync();
        }
    }

    /// <summary>Drops the connection so that the subscriptions are restored on a fresh one (after a sentinel switch).</summary>
    internal void ForceReconnect(string reason) =>
        Volatile.Read(ref _connection)?.Fault(new RedisConnectionException(RedisConnectionFailure.ConnectionLost, false, reason));

    // The UNSUBSCRIBE is written, not awaited: leaving a channel never waits for the server.
    internal void Remove(Subscription subscription)
    {
        var key = (subscription.Kind, subscription.Name);
        lock (_lock)
        {
            if (!_desired.TryGetValue(key, out var list) || !list.Remove(subscription) || list.Count > 0)
            {
                return;
            }

            _desired.Remove(key);

            // Decided and written under one lock: a SUBSCRIBE of the same name racing with this
            // UNSUBSCRIBE reaches the wire in the order the two were decided (see AddAsync).
            if (Volatile.Read(ref _connection) is { } connection)
            {
                _sentOnConnection.Remove(key);
                _ = ObserveAsync(null, connection.SendAsync(new RedisCommand(UnsubscribeCommand(subscription.Kind), subscription.Name), CancellationToken.None));
            }
        }
    }

    private async ValueTask<Subscription> AddAsync(SubscriptionKind kind, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var subscription = new Subscription(this, kind, name, _options.SubscriptionBufferSize);
        var key = (kind, name);
        TaskCompletionSource? confirmation = null;
        lock (_lock)
        {
            if (_desired.TryGetValue(key, out var list))
            {
                // Already subscribed on the server: share it.
                list.Add(subscription);
                if (_confirmations.TryGetValue(key, out var pendingConfirmation))
                {
                    confirmation = pendingConfirmation;
                }
            }
            else
            {
                _desired[key] = [subscription];
                confirmation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _confirmations[key] = confirmation;
            }
        }

        try
        {
            var connection = await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            if (confirmation is not null)
            {
                lock (_lock)
                {
                    if (_sentOnConnection.Add(key))
                    {
                        Send(connection, key);
                    }
                }

                await confirmation.Task.WaitAsync(_options.CommandTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            return subscription;
        }
        catch (Exception exception)
        {
            Remove(subscription);
            if (exception is TimeoutException)
            {
                throw new RedisTimeoutException(true, $"{SubscribeCommand(kind)} {name} was not confirmed within {_options.CommandTimeout.TotalMilliseconds:F0} ms.");
            }

            throw;
        }
    }

    private async ValueTask<RedisConnection> EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { IsFaulted: false } current)
        {
            return current;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _connection) is { IsFaulted: false } raced)
            {
                return raced;
            }

            return await ConnectAndResubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connectGate.Release();
        }
    }

    // Opens a subscriber connection and subscribes the whole desired set on it.
    private async Task<RedisConnection> ConnectAndResubscribeAsync(CancellationToken cancellationToken)
    {
        var connection = await _node.OpenAsync(subscriber: true, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _connections);
        connection.PushHandler = OnPush;
        connection.MessageHandler = OnMessage;

        // The snapshot, its SUBSCRIBEs and the publication of the connection happen under one lock: a
        // subscription removed meanwhile is either left out of the snapshot or unsubscribed on this connection.
        lock (_lock)
        {
            List<(SubscriptionKind Kind, string Name)> wanted = [.. _desired.Keys];
            _sentOnConnection = [.. wanted];
            foreach (var key in wanted)
            {
                if (!_confirmations.ContainsKey(key))
                {
                    _confirmations[key] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            foreach (var key in wanted)
            {
                Send(connection, key);
            }

            connection.Faulted = OnFaulted;
            Volatile.Write(ref _connection, connection);
        }

        if (connection.IsFaulted)
        {
            OnFaulted(connection, new IOException("The subscriber connection failed while subscribing."));
        }

        return connection;
    }

    // One name per command: each (P/S)SUBSCRIBE then has exactly one confirmation or error reply, matched
    // to it in the connection's FIFO. Called under _lock, so wire order follows the order of decisions.
    private void Send(RedisConnection connection, (SubscriptionKind Kind, string Name) key) =>
        _ = ObserveAsync(key, connection.SendAsync(new RedisCommand(SubscribeCommand(key.Kind), key.Name), CancellationToken.None));

    // The confirmation itself arrives through OnPush; this only acts on a refusal. A lost connection needs
    // nothing here: the reconnect subscribes the desired set again.
    private async Task ObserveAsync((SubscriptionKind Kind, string Name)? subscribed, ValueTask<RespValue> reply)
    {
        try
        {
            await reply.ConfigureAwait(false);
        }
        catch (RedisServerException error) when (subscribed is { } key)
        {
            Refuse(key, new RedisServerException($"{SubscribeCommand(key.Kind)} {key.Name} was refused: {error.Message}", error));
        }
        catch (HeraldException)
        {
            // Lost or timed out with the connection, or an UNSUBSCRIBE the server did not like: nothing to undo.
        }
    }

    // The server will not subscribe this name (ACL NOPERM, wrong kind): waiting callers and existing
    // subscribers get the error instead of a timeout, and the name leaves the set restored on reconnect.
    private void Refuse((SubscriptionKind Kind, string Name) key, RedisServerException error)
    {
        List<Subscription>? refused;
        TaskCompletionSource? confirmation;
        lock (_lock)
        {
            _desired.Remove(key, out refused);
            _confirmations.Remove(key, out confirmation);
            _sentOnConnection.Remove(key);
        }

        RedisClientLog.SubscriptionRefused(_logger, key.Name, error.Message);
        confirmation?.TrySetException(error);
        foreach (var subscription in refused ?? [])
        {
            subscription.Complete(error);
        }
    }

    private void OnFaulted(RedisConnection connection, Exception reason)
    {
        if (Interlocked.CompareExchange(ref _connection, null, connection) != connection || _disposed.IsCancellationRequested)
        {
            return;
        }

        RedisClientLog.SubscriberLost(_logger, connection.Endpoint, SubscriptionCount, reason.Message);
        lock (_lock)
        {
            _reconnecting ??= Task.Run(ReconnectLoopAsync);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var delay = _options.ReconnectMinDelay;
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                await EnsureConnectedAsync(_disposed.Token).ConfigureAwait(false);
                break;
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Any failure (not only Herald's own) must end in another attempt, or the subscriber stays down.
                var jittered = TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (Random.Shared.NextDouble() / 2))));
                try
                {
                    await Task.Delay(jittered, _options.TimeProvider, _disposed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
            }
        }

        lock (_lock)
        {
            _reconnecting = null;
        }
    }

    // Runs on the connection's reader for the message frames it read itself: routes them, never blocks.
    private void OnMessage(SubscriptionKind kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload)
    {
        var channelName = Utf8StringCache.Shared.Get(channel);
        string? patternName = kind == SubscriptionKind.Pattern ? Utf8StringCache.Shared.Get(pattern) : null;
        if (Find((kind, patternName ?? channelName), out var single, out var several))
        {
            // The read buffer is reused for the next frames: the payload is copied once, for every subscriber.
            Deliver(single, several, new PubSubMessage(channelName, payload.ToArray(), patternName));
        }
    }

    // Runs on the connection's reader: routes messages to their subscriptions, never blocks.
    private void OnPush(RespValue push)
    {
        if (push.Count < 3)
        {
            return;
        }

        var kind = push[0].Bytes.Span;
        if (kind.SequenceEqual("message"u8) || kind.SequenceEqual("smessage"u8))
        {
            var channel = Name(push[1]);
            var key = (kind[0] == (byte)'s' ? SubscriptionKind.Sharded : SubscriptionKind.Channel, channel);
            if (Find(key, out var single, out var several))
            {
                Deliver(single, several, new PubSubMessage(channel, push[2].Bytes, null));
            }
        }
        else if (kind.SequenceEqual("pmessage"u8) && push.Count >= 4)
        {
            var pattern = Name(push[1]);
            if (Find((SubscriptionKind.Pattern, pattern), out var single, out var several))
            {
                Deliver(single, several, new PubSubMessage(Name(push[2]), push[3].Bytes, pattern));
            }
        }
        else if (kind.SequenceEqual("subscribe"u8) || kind.SequenceEqual("psubscribe"u8) || kind.SequenceEqual("ssubscribe"u8))
        {
            var subscriptionKind = kind.SequenceEqual("psubscribe"u8) ? SubscriptionKind.Pattern
                : kind.SequenceEqual("ssubscribe"u8) ? SubscriptionKind.Sharded
                : SubscriptionKind.Channel;
            TaskCompletionSource? confirmation;
            lock (_lock)
            {
                _confirmations.Remove((subscriptionKind, push[1].AsString()!), out confirmation);
            }

            confirmation?.TrySetResult();
        }
    }

    // Channel and pattern names repeat with every message: decoded once each, not once per message.
    private static string Name(RespValue name) => name.Type is RespType.BulkString or RespType.SimpleString
        ? Utf8StringCache.Shared.Get(name.Bytes.Span)
        : name.AsString()!;

    // Most channels have one subscriber here: it needs no copy of the list made for every message.
    private bool Find((SubscriptionKind, string) key, out Subscription? single, out Subscription[]? several)
    {
        single = null;
        several = null;
        lock (_lock)
        {
            if (!_desired.TryGetValue(key, out var list) || list.Count == 0)
            {
                return false;
            }

            if (list.Count == 1)
            {
                single = list[0];
            }
            else
            {
                several = [.. list];
            }
        }

        return true;
    }

    private void Deliver(Subscription? single, Subscription[]? several, in PubSubMessage message)
    {
        if (single is not null)
        {
            Deliver(single, message);
            return;
        }

        foreach (var subscription in several!)
        {
            Deliver(subscription, message);
        }
    }

    private void Deliver(Subscription subscription, in PubSubMessage message)
    {
        if (!subscription.Deliver(message))
        {
            RedisClientMetrics.PushDropped("subscriber_full");
            if (subscription.Dropped == 1 || subscription.Dropped % 10_000 == 0)
            {
                RedisClientLog.SubscriptionFull(_logger, subscription.Name, _options.SubscriptionBufferSize);
            }
        }
    }

    private static string SubscribeCommand(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Pattern => "PSUBSCRIBE",
        SubscriptionKind.Sharded => "SSUBSCRIBE",
        _ => "SUBSCRIBE",
    };

    private static string UnsubscribeCommand(SubscriptionKind kind) => kind switch
    {
        SubscriptionKind.Pattern => "PUNSUBSCRIBE",
        SubscriptionKind.Sharded => "SUNSUBSCRIBE",
        _ => "UNSUBSCRIBE",
    };
}
