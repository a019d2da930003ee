using System.Globalization;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// Options for the client tests: quick reconnects so recovery is seen in a test's time, and deadlines
/// generous enough for a loaded two-core CI box. A test tightens only what it is about.
/// </summary>
internal static class ClientOptions
{
    public static RedisOptions For(string url, Action<RedisOptions>? configure = null)
    {
        var options = RedisOptions.Parse(url);
        options.ConnectTimeout = TimeSpan.FromSeconds(10);
        options.CommandTimeout = TimeSpan.FromSeconds(20);
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(250);
        configure?.Invoke(options);
        return options;
    }

    public static RedisOptions For(int port, Action<RedisOptions>? configure = null) =>
        For(string.Create(CultureInfo.InvariantCulture, $"redis://127.0.0.1:{port}"), configure);

    public static ValueTask<RedisClient> ConnectAsync(string url, Action<RedisOptions>? configure = null) =>
        RedisClient.ConnectAsync(For(url, configure));

    public static ValueTask<RedisClient> ConnectAsync(int port, Action<RedisOptions>? configure = null) =>
        RedisClient.ConnectAsync(For(port, configure));

    /// <summary>A fault proxy in front of the fixture's server.</summary>
    public static Task<FaultProxy> StartProxyAsync(this RedisFixture fixture) => FaultProxy.StartAsync(fixture.Server.Host, fixture.Server.Port);
}
