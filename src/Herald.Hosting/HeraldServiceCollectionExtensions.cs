using Herald.Consuming;
using Herald.Hosting.Configuration;
using Herald.Hosting.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>Registers Herald with a service collection: options, the client, hosted consumers.</summary>
/// <example>
/// <code>
/// builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
/// builder.Services.AddHeraldConsumer&lt;BillingHandler, OrderPlaced&gt;(Destination.Stream("orders"), o => o.Group = "billing");
/// builder.Services.AddHealthChecks().AddHerald();
/// </code>
/// </example>
public static class HeraldServiceCollectionExtensions
{
    /// <summary>
    /// Adds Herald with options bound from <paramref name="configuration"/> (usually the <c>Herald</c> section),
    /// then changed by <paramref name="configure"/> for what configuration cannot express (serializers,
    /// a logger factory). The options are validated when the host starts: a mistake is an
    /// <see cref="OptionsValidationException"/> naming the setting, e.g. <c>Herald:Streams:orders:Partitions must be between 1 and 1024 (it is 0).</c>
    /// </summary>
    /// <remarks>
    /// Keys follow <see cref="HeraldOptions"/>: <c>Redis</c>, <c>KeyPrefix</c>, <c>Source</c>, <c>ValidateOnPublish</c>, <c>Role</c>;
    /// <c>Codecs:Compression</c> (<c>gzip</c>, <c>br</c>, <c>none</c>), <c>Codecs:CompressionLevel</c>, <c>Codecs:CompressionThreshold</c>,
    /// <c>Codecs:MaxMessageSize</c>, <c>Codecs:Encryption:Keys:&lt;id&gt;</c> (base64, 32 bytes), <c>Codecs:Encryption:CurrentKeyId</c>;
    /// <c>DefaultStream</c> and <c>Streams:&lt;name&gt;</c> (<c>Partitions</c>, <c>MaxLength</c>, <c>MaxAge</c>, <c>HardCap</c>, <c>TrimInterval</c>);
    /// <c>DefaultQueue</c> and <c>Queues:&lt;name&gt;</c>; <c>Access:Roles:&lt;role&gt;:Publish</c> and <c>:Consume</c> (lists of patterns);
    /// <c>Monitoring</c> (<see cref="HeraldMonitoringOptions"/>: <c>Enabled</c>, <c>SampleInterval</c>, <c>AllDestinations</c>, <c>MaxLag</c>, <c>MaxOldestAge</c>).
    /// A named stream or queue starts from the built-in defaults, not from <c>DefaultStream</c>/<c>DefaultQueue</c>.
    /// Unknown keys are errors. The client is built once, when the host starts, and not rebuilt on reload.
    /// </remarks>
    public static IServiceCollection AddHerald(this IServiceCollection services, IConfiguration configuration, Action<HeraldOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var scope = (configuration as IConfigurationSection)?.Path;
        AddCore(services);
        services.AddSingleton(new HeraldConfigurationScope(scope));
        services.AddOptions<HeraldOptions>().Configure(options =>
        {
            try
            {
                HeraldConfiguration.Bind(configuration, options);
            }
            catch (InvalidOptionException exception)
            {
                throw Invalid(scope, exception);
            }
        });
        services.AddOptions<HeraldMonitoringOptions>().Configure(options =>
        {
            try
            {
                HeraldConfiguration.BindMonitoring(configuration, options);
            }
            catch (InvalidOptionException exception)
            {
                throw Invalid(scope, exception, typeof(HeraldMonitoringOptions));
            }
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>Adds Herald with options set in code; they are validated when the host starts.</summary>
    public static IServiceCollection AddHerald(this IServiceCollection services, Action<HeraldOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services);
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Changes how the lag monitor samples and when the health check reports lag (<see cref="HeraldMonitoringOptions"/>),
    /// after anything bound from configuration. Validated when the host starts.
    /// </summary>
    public static IServiceCollection ConfigureHeraldMonitoring(this IServiceCollection services, Action<HeraldMonitoringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Runs a consumer of <paramref name="destination"/> while the host runs. Each message gets its own
    /// DI scope, from which <typeparamref name="THandler"/> is resolved (registered as scoped when it is
    /// not registered already), so handlers may depend on scoped services such as a <c>DbContext</c>.
    /// </summary>
    public static IServiceCollection AddHeraldConsumer<THandler, TMessage>(this IServiceCollection services, Destination destination, Action<ConsumerOptions>? configure = null)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<THandler>();
        return services.AddHeraldConsumer(destination, configure, static (provider, consumer) => consumer.HandleScoped<THandler, TMessage>(provider));
    }

    /// <summary>
    /// Runs a consumer of <paramref name="destination"/> while the host runs, handling <typeparamref name="TMessage"/>
    /// with <paramref name="handler"/>, which receives the message's own DI scope.
    /// </summary>
    public static IServiceCollection AddHeraldConsumer<TMessage>(
        this IServiceCollection services,
        Destination destination,
        Func<MessageContext<TMessage>, IServiceProvider, CancellationToken, ValueTask> handler,
        Action<ConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddHeraldConsumer(destination, configure, (provider, consumer) => consumer.HandleScoped(provider, handler));
    }

    /// <summary>
    /// Runs a consumer of <paramref name="destination"/> while the host runs; <paramref name="build"/> registers
    /// its handlers and middleware (several message types on one stream, say) given the root service provider.
    /// </summary>
    public static IServiceCollection AddHeraldConsumer(
        this IServiceCollection services,
        Destination destination,
        Action<ConsumerOptions>? configure,
        Action<IServiceProvider, ConsumerBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(build);
        AddCore(services);
        services.AddSingleton(new HeraldConsumerRegistration(destination, configure, build));
        return services;
    }

    private static void AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldOptions>, HeraldOptionsValidator>());
        services.AddOptions<HeraldOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HeraldOptions>, HeraldOptionsFromServices>());
        services.TryAddSingleton<HeraldClientProvider>();
        services.TryAddSingleton<HostedConsumers>();

        // After the host has started this is the connected client; resolved earlier, it connects first.
        services.TryAddSingleton(static provider => provider.GetRequiredService<HeraldClientProvider>().GetClientAsync().GetAwaiter().GetResult());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HeraldHostedService>());

        // Registered after the consumers' service, so it starts once they run and samples what they read.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldMonitoringOptions>, HeraldMonitoringOptionsValidator>());
        services.AddOptions<HeraldMonitoringOptions>().ValidateOnStart();
        services.TryAddSingleton<HeraldLagMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HeraldLagMonitor>(static provider => provider.GetRequiredService<HeraldLagMonitor>()));
    }

    internal static OptionsValidationException Invalid(string? scope, InvalidOptionException exception, Type? optionsType = null)
    {
        var error = string.IsNullOrEmpty(scope) ? exception : exception.WithScope(scope);
        return new OptionsValidationException(Options.DefaultName, optionsType ?? typeof(HeraldOptions), [error.Message]);
    }
}

/// <summary>The configuration section the options were bound from (its path prefixes setting names in errors).</summary>
internal sealed record HeraldConfigurationScope(string? Path);

/// <summary>Reports <see cref="HeraldOptions.Validate"/> errors as options validation failures, with the configuration path.</summary>
internal sealed class HeraldOptionsValidator(IEnumerable<HeraldConfigurationScope> scopes) : IValidateOptions<HeraldOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldOptions options)
    {
        var scope = scopes.LastOrDefault()?.Path;
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOptionException exception)
        {
            return ValidateOptionsResult.Fail(HeraldServiceCollectionExtensions.Invalid(scope, exception).Message);
        }
    }
}

/// <summary>Reports <see cref="HeraldMonitoringOptions.Validate"/> errors as options validation failures, with the configuration path.</summary>
internal sealed class HeraldMonitoringOptionsValidator(IEnumerable<HeraldConfigurationScope> scopes) : IValidateOptions<HeraldMonitoringOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldMonitoringOptions options)
    {
        var scope = scopes.LastOrDefault()?.Path;
        try
        {
            InvalidOptionException.Scoped(HeraldConfiguration.MonitoringKey, options.Validate);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOptionException exception)
        {
            return ValidateOptionsResult.Fail(HeraldServiceCollectionExtensions.Invalid(scope, exception, typeof(HeraldMonitoringOptions)).Message);
        }
    }
}

/// <summary>Fills what the options left unset from the container: its logger factory and, when one is registered, its clock.</summary>
internal sealed class HeraldOptionsFromServices(IServiceProvider services) : IPostConfigureOptions<HeraldOptions>
{
    public void PostConfigure(string? name, HeraldOptions options)
    {
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        if (ReferenceEquals(options.TimeProvider, TimeProvider.System) && services.GetService<TimeProvider>() is { } time)
        {
            options.TimeProvider = time;
        }
    }
}
