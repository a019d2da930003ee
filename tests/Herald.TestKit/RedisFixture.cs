using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Xunit;

namespace Herald.TestKit;

/// <summary>
/// An xunit fixture owning one private redis-server. Tests that share it isolate their keys with
/// <see cref="NewPrefix"/>; derived fixtures change the server through <see cref="Options"/>.
/// </summary>
public class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The fixture's server; available once xunit has run <see cref="InitializeAsync"/>.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised yet: xunit calls InitializeAsync before the first test.");

    /// <summary>The server's URL, without credentials.</summary>
    public string Url => Server.Url;

    /// <summary>How the server is started.</summary>
    protected virtual RedisServerOptions Options => new();

    /// <summary>A key prefix no other test uses: <c>t:{name}:{8 hex digits}:</c>.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Tests reach it through their fixture instance.")]
    public string NewPrefix([CallerMemberName] string name = "") => $"t:{name}:{Guid.NewGuid().ToString("N")[..8]}:";

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await RedisServer.StartAsync(Options);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is { } server)
            await server.DisposeAsync();
    }
}
