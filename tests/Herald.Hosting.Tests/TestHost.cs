using System.Text;
using Herald.Consuming;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Herald.Hosting.Tests;

/// <summary>A real <see cref="IHost"/> built from an empty application builder: no environment, files or console logging leak in.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private bool _started;

    private TestHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>A builder whose configuration is <paramref name="json"/> (if any).</summary>
    public static HostApplicationBuilder CreateBuilder(string? json = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (json is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        }

        return builder;
    }

    /// <summary>A host with Herald on <paramref name="redisUrl"/> under <paramref name="prefix"/>, plus <paramref name="configure"/>.</summary>
    public static HostApplicationBuilder CreateBuilder(string redisUrl, string prefix, Action<IServiceCollection> configure)
    {
        var builder = CreateBuilder();
        builder.Services.AddHerald(options =>
        {
            options.Redis = redisUrl;
            options.KeyPrefix = prefix.TrimEnd(':');
        });
        configure(builder.Services);
        return builder;
    }

    public static TestHost Build(HostApplicationBuilder builder) => new(builder.Build());

    public async Task<TestHost> StartAsync()
    {
        await Host.StartAsync();
        _started = true;
        return this;
    }

    public Task StopAsync() => Host.StopAsync();

    public HeraldClient Client => Services.GetRequiredService<HeraldClient>();

    public Consumer Consumer => Services.GetRequiredService<HostedConsumers>().Consumers.Single();

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await Host.StopAsync();
        }

        await ((IAsyncDisposable)Host).DisposeAsync();
    }

    /// <summary>Consumer settings for tests: short reads and timeouts, everything from the start of the stream.</summary>
    public static void Fast(ConsumerOptions options)
    {
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(2);
        options.StartFrom = "0";
        options.Retry.InProcessRetries = 0;
        options.StopTimeout = TimeSpan.FromSeconds(10);
    }
}
