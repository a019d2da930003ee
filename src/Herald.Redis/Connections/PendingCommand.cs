using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;

namespace Herald.Redis.Connections;

/// <summary>
/// A command waiting for its reply: the <see cref="IValueTaskSource{T}"/> behind the caller's
/// <see cref="ValueTask{T}"/>, pooled so that a command allocates nothing in steady state.
/// </summary>
/// <remarks>
/// Two parties hold it: the transport (the FIFO of in-flight commands, or the backlog) and the caller's
/// awaiter. It returns to the pool only when both have let go, so a command that timed out or was
/// cancelled keeps its FIFO slot and its late reply is matched to it, never to the next caller.
/// Completion (reply, error, timeout, cancellation) is decided once, by whoever comes first.
/// Continuations run asynchronously: user code never runs on the socket reader.
/// </remarks>
internal abstract class PendingCommand
{
    private int _completed;
    private int _references;
    private CancellationTokenRegistration _cancellation;

    /// <summary>Position in the connection's write order; compared with the written position on failure.</summary>
    public long Sequence { get; set; }

    /// <summary>When the command gives up, as a <see cref="TimeProvider"/> timestamp; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline { get; private set; }

    /// <summary>When the command was queued, for the round-trip histogram.</summary>
    public long StartTimestamp { get; private set; }

    /// <summary>The command name, for metrics and error messages.</summary>
    public string CommandName { get; private set; } = string.Empty;

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>The pending command of a transaction's EXEC receives the replies of the queued commands.</summary>
    public virtual bool ExpectsReply => true;

    protected void Prepare(string commandName, long start, long deadline, CancellationToken cancellationToken)
    {
        CommandName = commandName;
        StartTimestamp = start;
        Deadline = deadline;
        _completed = 0;
        _references = 2;
        RedisClientMetrics.CommandQueued();
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingCommand)state!).TryFail(new OperationCanceledException(token)), this);
        }
    }

    /// <summary>Delivers the reply (an error reply becomes a <see cref="RedisServerException"/>).</summary>
    public bool TryComplete(RespValue reply)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _cancellation.Dispose();
        if (reply.IsError)
        {
            SetException(RedisServerException.FromReply(reply));
        }
        else
        {
            SetReply(reply);
        }

        return true;
    }

    /// <summary>Fails the command unless it completed already.</summary>
    public bool TryFail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        // Unregister without waiting: this may run inside the cancellation callback itself.
        _cancellation.Unregister();
        SetException(exception);
        return true;
    }

    /// <summary>The transport (FIFO or backlog) is done with this command.</summary>
    public void ReleaseTransport()
    {
        RedisClientMetrics.CommandReleased();
        Release();
    }

    protected abstract void SetReply(RespValue reply);

    protected abstract void SetException(Exception exception);

    protected abstract void ResetCore();

    protected abstract void ReturnToPool();

    /// <summary>The awaiter is done (called from GetResult).</summary>
    protected void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _cancellation = default;
            ResetCore();
            ReturnToPool();
        }
    }
}

/// <summary>A pending command whose reply is parsed into <typeparamref name="T"/>.</summary>
internal sealed class PendingCommand<T> : PendingCommand, IValueTaskSource<T>
{
    private const int MaxPooled = 4096;
    private static readonly ConcurrentQueue<PendingCommand<T>> s_pool = new();
    private static int s_pooledCount;

    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };
    private RespReplyParser<T> _parser = null!;

    public static PendingCommand<T> Rent(string commandName, RespReplyParser<T> parser, long start, long deadline, CancellationToken cancellationToken)
    {
        if (s_pool.TryDequeue(out var pending))
        {
            Interlocked.Decrement(ref s_pooledCount);
        }
        else
        {
            pending = new PendingCommand<T>();
        }

        pending._parser = parser;
        pending.Prepare(commandName, start, deadline, cancellationToken);
        return pending;
    }

    public ValueTask<T> AsValueTask() => new(this, _core.Version);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    public T GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    protected override void SetReply(RespValue reply)
    {
        T result;
        try
        {
            result = _parser(reply);
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException or IndexOutOfRangeException or ArgumentException or KeyNotFoundException)
        {
            _core.SetException(new RedisProtocolException($"Unexpected reply to {CommandName}: {exception.Message}"));
            return;
        }

        _core.SetResult(result);
    }

    protected override void SetException(Exception exception) => _core.SetException(exception);

    protected override void ResetCore()
    {
        _core.Reset();
        _parser = null!;
    }

    protected override void ReturnToPool()
    {
        if (Interlocked.Increment(ref s_pooledCount) <= MaxPooled)
        {
            s_pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooledCount);
        }
    }
}
