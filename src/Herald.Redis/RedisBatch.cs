using Herald.Redis.Connections;
using Herald.Redis.Protocol;

namespace Herald.Redis;

/// <summary>
/// Commands collected and sent as one unit: serialised into one buffer, written together and answered in
/// order. Each command's <see cref="ValueTask{T}"/> completes with its own reply. Not atomic (use
/// <see cref="RedisTransaction"/> for that) and not thread-safe while it is being filled.
/// </summary>
public sealed class RedisBatch : IRedisExecutor
{
    private readonly IRedisRouter _router;
    // Pooled: a batch of a few hundred commands grows to tens of kilobytes, copied to the connection on Send.
    private readonly PooledBufferWriter _buffer = new(4096);
    private readonly List<PendingCommand> _pendings = [];
    private NodeConnection? _node;
    private bool _sent;

    internal RedisBatch(IRedisRouter router) => _router = router;

    /// <summary>Number of commands queued.</summary>
    public int Count => _pendings.Count;

    /// <summary>Queues a command; the returned task completes after <see cref="Send"/>.</summary>
    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        if (_sent)
        {
            throw new InvalidOperationException("This batch was sent already; create a new one.");
        }

        if (command.IsBlocking)
        {
            throw new InvalidOperationException($"{command.Name} blocks; run it on a lease, not in a batch.");
        }

        var node = _router.Route(command);
        if (_node is not null && node != _node)
        {
            throw new InvalidOperationException("All commands of a batch must be served by one node (use one hash tag in a cluster).");
        }

        _node = node;
        command.WriteTo(_buffer);
        var pending = node.Rent(command, parser, cancellationToken);
        _pendings.Add(pending);
        return pending.AsValueTask();
    }

    /// <summary>Sends every queued command in one write. Await the tasks the commands returned for their replies.</summary>
    public void Send()
    {
        if (_sent)
        {
            throw new InvalidOperationException("This batch was sent already.");
        }

        _sent = true;
        try
        {
            if (_pendings.Count > 0)
            {
                _node!.EnqueueContiguous(_buffer.WrittenSpan, [.. _pendings]);
            }
        }
        finally
        {
            _buffer.Release();
        }
    }
}
