using Herald.Redis.Connections;
using Herald.Redis.PubSub;
using Herald.Redis.Sentinel;

namespace Herald.Redis;

/// <summary>
/// The entry point: a thread-safe, multiplexed Redis client. Concurrent callers share one connection per
/// node and their commands are pipelined automatically. Commands issued while the connection is down
/// wait in a bounded backlog and are sent after the reconnect. Blocking commands run on dedicated
/// connections (<see cref="LeaseAsync"/>); pub/sub runs on its own connection (<see cref="Subscriber"/>).
/// </summary>
/// <example>
/// <code>
/// await using var redis = await RedisClient.ConnectAsync("redis://localhost:6379");
/// await redis.StringSetAsync("greeting", "hello");
/// var value = await redis.StringGetAsync("greeting");
/// </code>
/// </example>
public sealed class RedisClient : IRedisExecutor, IAsyncDisposable
{
    private readonly IRedisRouter _router;
    private readonly ITimer _sweeper;
    private readonly Lazy<RedisSubscriber> _subscriber;
    private int _disposed;

    private RedisClient(RedisOptions options)
    {
        Options = options;
        if (options.UsesSentinel)
        {
            var resolver = new SentinelResolver(options);
            var node = new NodeConnection(options, resolver.ResolvePrimaryAsync);
            resolver.PrimaryChanged = endpoint => OnPrimaryChanged(node, endpoint);
            _router = new SingleNodeRouter(node, resolver);
        }
        else
        {
            var endpoint = options.Endpoints[0];
            _router = new SingleNodeRouter(new NodeConnection(options, _ => ValueTask.FromResult(endpoint)));
        }

        _subscriber = new Lazy<RedisSubscriber>(() => new RedisSubscriber(_router.Nodes[0], options), LazyThreadSafetyMode.ExecutionAndPublication);
        _sweeper = options.TimeProvider.CreateTimer(static state => ((RedisClient)state!).Sweep(), this, SweepInterval, SweepInterval);
    }

    /// <summary>How often deadlines, heartbeats and the backlog are checked: the granularity of timeouts.</summary>
    public static TimeSpan SweepInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The options this client was built with (a private copy; changing it has no effect).</summary>
    public RedisOptions Options { get; }

    /// <summary>The server the client is connected to (for sentinel: the current primary).</summary>
    public RedisEndpoint? Endpoint => _router.Nodes[0].Endpoint;

    /// <summary>True while the multiplexed connection is up.</summary>
    public bool IsConnected => _router.Nodes[0].IsConnected;

    /// <summary>The negotiated protocol version (2 or 3); 0 while disconnected.</summary>
    public int ProtocolVersion => _router.Nodes[0].Current?.ProtocolVersion ?? 0;

    /// <summary>The server's version as reported in the handshake; empty while disconnected.</summary>
    public string ServerVersion => _router.Nodes[0].Current?.ServerVersion ?? string.Empty;

    /// <summary>Commands waiting for a connection.</summary>
    public int BacklogCount => _router.Nodes.Sum(static n => n.BacklogCount);

    /// <summary>The multiplexed connection of the first node, for tests and diagnostics.</summary>
    internal Connections.RedisConnection? CurrentConnection => _router.Nodes[0].Current;

    /// <summary>The pub/sub side of this client, on its own connection (created on first use).</summary>
    public RedisSubscriber Subscriber => _subscriber.Value;

    /// <summary>Connects to the server named by a URL (see <see cref="RedisOptions.Parse"/>).</summary>
    /// <exception cref="RedisConnectionException">The server cannot be reached or does not speak RESP.</exception>
    /// <exception cref="RedisAuthenticationException">The server refused the credentials.</exception>
    public static ValueTask<RedisClient> ConnectAsync(string url, CancellationToken cancellationToken = default) =>
        ConnectAsync(RedisOptions.Parse(url), cancellationToken);

    /// <summary>Validates <paramref name="options"/> and connects.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="RedisConnectionException">The server cannot be reached or does not speak RESP.</exception>
    /// <exception cref="RedisAuthenticationException">The server refused the credentials.</exception>
    public static async ValueTask<RedisClient> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.Validate();
        var client = new RedisClient(copy);
        try
        {
            await client._router.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    /// <inheritdoc />
    /// <remarks>A blocking command runs on a dedicated connection leased for the call.</remarks>
    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return command.IsBlocking
            ? ExecuteOnLeaseAsync(command, parser, cancellationToken)
            : _router.Route(command).ExecuteAsync(command, parser, cancellationToken);
    }

    /// <summary>
    /// Takes a dedicated connection for blocking commands (<c>BLMOVE</c>, <c>XREADGROUP … BLOCK</c>).
    /// Dispose the lease to return the connection. A blocking call that is cancelled or times out
    /// destroys the connection (its reply could still arrive); the lease then opens a fresh one.
    /// </summary>
    public ValueTask<RedisLease> LeaseAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ValueTask.FromResult(new RedisLease(_router.Nodes[0]));
    }

    /// <summary>A batch: commands queued on it are sent together, in order, when <see cref="RedisBatch.Send"/> is called.</summary>
    public RedisBatch CreateBatch()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new RedisBatch(_router);
    }

    /// <summary>A <c>MULTI</c>/<c>EXEC</c> transaction: queued commands run atomically when executed.</summary>
    public RedisTransaction CreateTransaction()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new RedisTransaction(_router);
    }

    /// <summary>Closes every connection; commands still waiting fail with <see cref="RedisConnectionFailure.Disposed"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _sweeper.DisposeAsync().ConfigureAwait(false);
        if (_subscriber.IsValueCreated)
        {
            await _subscriber.Value.DisposeAsync().ConfigureAwait(false);
        }

        await _router.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<T> ExecuteOnLeaseAsync<T>(RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        await using var lease = new RedisLease(_router.Route(command));
        return await lease.ExecuteAsync(command, parser, cancellationToken).ConfigureAwait(false);
    }

    private void OnPrimaryChanged(NodeConnection node, RedisEndpoint endpoint)
    {
        var reason = $"Sentinel moved the primary to {endpoint}.";
        node.ForceReconnect(reason);

        // The subscriber too: left on the demoted primary it would miss every message until the
        // sentinels turn that server into a replica, seconds later.
        if (_subscriber.IsValueCreated)
        {
            _subscriber.Value.ForceReconnect(reason);
        }
    }

    private void Sweep()
    {
        foreach (var node in _router.Nodes)
        {
            node.Sweep();
        }

        if (_subscriber.IsValueCreated)
        {
            _subscriber.Value.Sweep();
        }
    }
}
