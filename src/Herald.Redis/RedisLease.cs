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

    /// <summary>
    /// Sends <paramref name="first"/> and <paramref name="then"/> together, before either reply is awaited, so
    /// the server runs <paramref name="then"/> as soon as it has answered <paramref name="first"/> (a blocking
    /// one too: when it unblocks or times out), without a round trip between them. The deadline of
    /// <paramref name="then"/> starts after that of <paramref name="first"/>. Returns both replies; when either
    /// fails, its failure is thrown (the first's when both fail) once both have completed.
    /// </summary>
    public async ValueTask<(T1 First, T2 Then)> ExecutePairAsync<T1, T2>(RedisCommand first, RespReplyParser<T1> firstParser,
        RedisCommand then, RespReplyParser<T2> thenParser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firstParser);
        ArgumentNullException.ThrowIfNull(thenParser);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var firstPending = Send(connection, first, _node.Rent(first, firstParser, cancellationToken));
        var thenPending = Send(connection, then, _node.RentBehind(first, then, thenParser, cancellationToken));

        // The second reply comes after the first, so awaiting it first resumes once (on the thread pool) for both
        // replies, not once for each.
        Exception? failure = null;
        T1 firstReply = default!;
        T2 thenReply = default!;
        try
        {
            thenReply = await thenPending.AsValueTask().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            failure = exception;
            await DestroyIfUnansweredAsync(connection, exception).ConfigureAwait(false);
        }

        try
        {
            firstReply = await firstPending.AsValueTask().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            failure = exception;
            await DestroyIfUnansweredAsync(connection, exception).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return (firstReply, thenReply);
    }

    private async ValueTask<T> ExecuteCoreAsync<T>(RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var pending = Send(connection, command, _node.Rent(command, parser, cancellationToken));
        try
        {
            return await pending.AsValueTask().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await DestroyIfUnansweredAsync(connection, exception).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<RedisConnection> ConnectAsync(CancellationToken cancellationToken)
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

        return connection;
    }

    private static PendingCommand<T> Send<T>(RedisConnection connection, in RedisCommand command, PendingCommand<T> pending)
    {
        if (!connection.TryEnqueue(command, pending))
        {
            pending.TryFail(new RedisConnectionException(RedisConnectionFailure.ConnectionLost, false, $"{command.Name} was never sent: the leased connection is closed."));
            pending.ReleaseTransport();
        }

        return pending;
    }

    // The reply may still come after a cancellation or a timeout; nobody else may read it. Destroy, and start
    // fresh next time.
    private async ValueTask DestroyIfUnansweredAsync(RedisConnection connection, Exception exception)
    {
        if (exception is not (OperationCanceledException or RedisTimeoutException) || !ReferenceEquals(_connection, connection))
        {
            return;
        }

        _connection = null;
        DestroyedConnections++;
        await _node.ReleaseDedicatedAsync(connection, destroy: true).ConfigureAwait(false);
    }
}
