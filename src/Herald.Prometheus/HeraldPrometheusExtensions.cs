using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Prometheus;

/// <summary>Registers the Prometheus collector and maps its scrape endpoint.</summary>
/// <example>
/// <code>
/// builder.Services.AddHeraldPrometheus();
/// var app = builder.Build();
/// app.MapHeraldMetrics(); // GET /metrics
/// </code>
/// </example>
public static class HeraldPrometheusExtensions
{
    /// <summary>Registers one <see cref="PrometheusCollector"/> (a singleton, disposed with the container).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the meters collected or the default histogram bounds.</param>
    public static IServiceCollection AddHeraldPrometheus(this IServiceCollection services, Action<PrometheusCollectorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ =>
        {
            var options = new PrometheusCollectorOptions();
            configure?.Invoke(options);
            return new PrometheusCollector(options);
        });
        return services;
    }

    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to the Prometheus text exposition (format 0.0.4). The
    /// collector is created here, at start-up, so counting starts before the first scrape.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (a <c>WebApplication</c>).</param>
    /// <param name="pattern">The route; default <c>/metrics</c>.</param>
    /// <returns>The endpoint's convention builder, to add authorisation or host filters.</returns>
    /// <exception cref="InvalidOperationException"><see cref="AddHeraldPrometheus"/> was not called.</exception>
    public static IEndpointConventionBuilder MapHeraldMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var collector = endpoints.ServiceProvider.GetService<PrometheusCollector>()
            ?? throw new InvalidOperationException("Register the collector first: services.AddHeraldPrometheus().");
        return endpoints.MapGet(pattern, async context =>
        {
            context.Response.ContentType = PrometheusCollector.ContentType;
            await collector.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }).WithDisplayName("Herald Prometheus metrics");
    }
}
