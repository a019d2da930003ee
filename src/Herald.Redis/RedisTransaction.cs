using System.Buffers;
using Herald.Redis.Connections;
using Herald.Redis.Protocol;

namespace Herald.Redis;

/// <summary>
/// A <c>MULTI</c>/<c>EXEC</c> transaction. Queue commands through <see cref="IRedisExecutor"/>, then call
/// <see cref="ExecuteAsync(CancellationToken)"/>: <c>[WATCH …] MULTI … EXEC</c> are written as one unit.
/// An error inside <c>EXEC</c> is that command's value (its task faults with the error); the others
/// still complete. When a watched key changed, nothing ran and every command's task is cancelled.
/// </summary>
public sealed class RedisTransaction : IRedisExecutor
{
    private readonly IRedisRouter _router;
    private readonly List<RedisCommand> _commands = [];
    private readonly List<PendingCommand> _results = [];
    private readonly List<RedisArg> _watched = [];
    private NodeConnection? _node;
    private bool _executed;

    internal RedisTransaction(IRedisRouter router) => _router = router;

    /// <summary>Number of queued commands.</summary>
    public int Count => _commands.Count;

    /// <summary>Watches <paramref name="key"/>: if another client changes it before <c>EXEC</c>, the transaction does not run.</summary>
    public void Watch(string key)
    {
        ThrowIfExecuted();
        _watched.Add(key);
    }

    /// <summary>Queues a command; its task completes when the transaction has executed.</summary>
    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ThrowIfExecuted();
        if (command.IsBlocking)
        {
            throw new InvalidOperationException($"{command.Name} blocks; it cannot run inside MULTI.");
        }

        var node = _router.Route(command);
        if (_node is not null && node != _node)
        {
            throw new InvalidOperationException("All commands of a transaction must be served by one node (use one hash tag in a cluster).");
        }

        _node = node;
        _commands.Add(command);
        var pending = node.Rent(command, parser, cancellationToken);
        _results.Add(pending);
        return pending.AsValueTask();
    }

    /// <summary>Runs the transaction. Returns false when a watched key changed and nothing ran.</summary>
    /// <exception cref="RedisServerException">A command was rejected while queuing (<c>EXECABORT</c>); nothing ran.</exception>
    public async Task<bool> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfExecuted();
        _executed = true;
        if (_commands.Count == 0)
        {
            return true;
        }

        var node = _node!;
        var buffer = new ArrayBufferWriter<byte>(256);
        var wire = new List<PendingCommand<RespValue>>();
        if (_watched.Count > 0)
        {
            Add(new RedisCommand("WATCH", [.. _watched]));
        }

        Add(new RedisCommand("MULTI"));
        foreach (var command in _commands)
        {
            Add(command);
        }

        Add(new RedisCommand("EXEC"));
        node.EnqueueContiguous(buffer.WrittenSpan, [.. wire]);

        try
        {
            var queuedFrom = _watched.Count > 0 ? 2 : 1;
            RedisServerException? rejected = null;
            for (var i = 0; i < wire.Count - 1; i++)
            {
                try
                {
                    await wire[i].AsValueTask().ConfigureAwait(false);
                }
                catch (RedisServerException error) when (i >= queuedFrom)
                {
                    // Rejected while queuing (syntax, wrong arity): that command owns the error; EXEC aborts.
                    rejected ??= error;
                    Fail(i - queuedFrom, error);
                }
            }

            RespValue exec;
            try
            {
                exec = await wire[^1].AsValueTask().ConfigureAwait(false);
            }
            catch (RedisServerException error) when (error.Kind == RedisErrorKind.ExecAbort)
            {
                FailAll(error);
                throw rejected is null ? error : new RedisServerException($"EXECABORT the transaction was discarded: {rejected.Message}");
            }

            if (exec.IsNull)
            {
                FailAll(new OperationCanceledException("A watched key changed; the transaction did not run."));
                return false;
            }

            for (var i = 0; i < _results.Count; i++)
            {
                // An error value fails only the command it belongs to.
                _results[i].TryComplete(i < exec.Count ? exec[i] : RespValue.Null);
                _results[i].ReleaseTransport();
            }

            return true;
        }
        catch (Exception exception)
        {
            // Whatever ended it (a lost connection, a refused WATCH or MULTI, an unexpected EXEC error),
            // no queued command may be left waiting; after EXECABORT they have failed already.
            FailAll(exception);
            throw;
        }

        void Add(in RedisCommand command)
        {
            command.WriteTo(buffer);
            wire.Add(node.Rent(command, RespParsers.Value, cancellationToken));
        }
    }

    private void Fail(int index, Exception error)
    {
        if (index >= 0 && index < _results.Count)
        {
            _results[index].TryFail(error);
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var pending in _results)
        {
            pending.TryFail(error);
            pending.ReleaseTransport();
        }

        _results.Clear();
    }

    private void ThrowIfExecuted()
    {
        if (_executed)
        {
            throw new InvalidOperationException("This transaction has executed already; create a new one.");
        }
    }
}
