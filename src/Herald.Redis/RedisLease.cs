using Herald.Redis.Connections;

namespace Herald.Redis;

/// <summary>
/// A dedicated connection, for blocking commands whose wait would stall every other caller on the shared
/// connection. Not shared: use one lease per consumer loop. If a call is cancelled or times out, the
/// connection is destroyed (the server may still answer it) and the next call opens a fresh one.
/// </summary>
public sealed class RedisLease : IRedisExecutor, IAsyncDisposable
{
    private readonly NodeConnection _node;
    private RedisConnection? _connection;
    private int _disposed;

    internal RedisLease(NodeConnection node) => _node = node;

    /// <summary>Number of connections this lease had to destroy after a cancelled or timed-out call.</summary>
    public int DestroyedConnections { get; private set; }

    /// <inheritdoc />
    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ExecuteCoreAsync(command, parser, cancellationToken);
    }

    /// <summary>Returns the connection to the client's pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            await _node.ReleaseDedicatedAsync(connection, destroy: false).ConfigureAwait(false);
        }
    }

    private async ValueTask<T> ExecuteCoreAsync<T>(RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || connection.IsFaulted)
        {
            if (connection is not null)
            {
                await _node.ReleaseDedicatedAsync(connection, destroy: true).ConfigureAwait(false);
            }

            connection = await _node.AcquireDedicatedAsync(cancellationToken).ConfigureAwait(false);
            _connection = connection;
        }

        var pending = _node.Rent(command, parser, cancellationToken);
        if (!connection.TryEnqueue(command, pending))
        {
            pending.TryFail(new RedisConnectionException(RedisConnectionFailure.ConnectionLost, false, $"{command.Name} was never sent: the leased connection is closed."));
            pending.ReleaseTransport();
        }

        try
        {
            return await pending.AsValueTask().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RedisTimeoutException)
        {
            // The reply may still come; nobody else may read it. Destroy, and start fresh next time.
            _connection = null;
            DestroyedConnections++;
            await _node.ReleaseDedicatedAsync(connection, destroy: true).ConfigureAwait(false);
            throw;
        }
    }
}
