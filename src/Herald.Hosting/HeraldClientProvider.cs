using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// Builds the application's one <see cref="HeraldClient"/> from the validated <see cref="HeraldOptions"/>,
/// once, on first use: the hosted service asks for it when the host starts, so Redis is connected before
/// any consumer runs. A failed attempt (Redis down) is not remembered; the next request tries again.
/// Resolve <see cref="HeraldClient"/> directly once the host runs; in code that may run earlier, prefer
/// <see cref="GetClientAsync"/> to blocking on the connection.
/// </summary>
public sealed class HeraldClientProvider : IAsyncDisposable
{
    private readonly IOptions<HeraldOptions> _options;
    private readonly Lock _lock = new();
    private Task<HeraldClient>? _client;
    private bool _disposed;

    /// <summary>Creates the provider (registered by <c>AddHerald</c>).</summary>
    public HeraldClientProvider(IOptions<HeraldOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The client, connecting on the first call.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="Herald.Redis.RedisConnectionException">Redis cannot be reached.</exception>
    public Task<HeraldClient> GetClientAsync(CancellationToken cancellationToken = default)
    {
        Task<HeraldClient> client;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Run so that the attempt is stored before it can fail and clear itself.
            client = _client ??= Task.Run(BuildAsync, CancellationToken.None);
        }

        // One connection attempt is shared by every caller; a caller that gives up only stops waiting.
        return client.WaitAsync(cancellationToken);
    }

    /// <summary>The client when it is connected already.</summary>
    public bool TryGetClient([NotNullWhen(true)] out HeraldClient? client)
    {
        var task = Volatile.Read(ref _client);
        client = task is { IsCompletedSuccessfully: true } ? task.Result : null;
        return client is not null;
    }

    /// <summary>Stops the client's consumers and closes its connections.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<HeraldClient>? client;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            client = _client;
        }

        if (client is null)
        {
            return;
        }

        try
        {
            await (await client.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && !client.IsCompletedSuccessfully)
        {
            // It never connected: nothing to close.
        }
    }

    private async Task<HeraldClient> BuildAsync()
    {
        try
        {
            var options = _options.Value;
            return await HeraldClient.CreateBuilder().UseOptions(options).BuildAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            lock (_lock)
            {
                _client = null;
            }

            throw;
        }
    }
}
