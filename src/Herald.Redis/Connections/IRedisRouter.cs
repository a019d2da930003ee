namespace Herald.Redis.Connections;

/// <summary>
/// Chooses the node that serves a command. Standalone and sentinel deployments have one node; a cluster
/// router maps the command's key (<see cref="RedisCommand.KeyIndex"/>) to a hash slot and its owner.
/// </summary>
internal interface IRedisRouter : IAsyncDisposable
{
    IReadOnlyList<NodeConnection> Nodes { get; }

    Task ConnectAsync(CancellationToken cancellationToken);

    NodeConnection Route(in RedisCommand command);
}

/// <summary>One node: a standalone server, or the primary that sentinels point at.</summary>
internal sealed class SingleNodeRouter : IRedisRouter
{
    private readonly NodeConnection _node;
    private readonly IAsyncDisposable? _companion;

    public SingleNodeRouter(NodeConnection node, IAsyncDisposable? companion = null)
    {
        _node = node;
        _companion = companion;
        Nodes = [node];
    }

    public IReadOnlyList<NodeConnection> Nodes { get; }

    public Task ConnectAsync(CancellationToken cancellationToken) => _node.ConnectAsync(cancellationToken);

    public NodeConnection Route(in RedisCommand command) => _node;

    public async ValueTask DisposeAsync()
    {
        if (_companion is not null)
        {
            await _companion.DisposeAsync().ConfigureAwait(false);
        }

        await _node.DisposeAsync().ConfigureAwait(false);
    }
}
