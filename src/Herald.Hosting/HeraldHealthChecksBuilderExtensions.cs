using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Hosting;

/// <summary>Adds Herald's health check.</summary>
public static class HeraldHealthChecksBuilderExtensions
{
    /// <summary>
    /// Checks that Redis answers <c>PING</c> and that every hosted consumer makes progress. Reports
    /// <paramref name="failureStatus"/> (default <see cref="HealthStatus.Unhealthy"/>) otherwise, and also
    /// while the host has not connected Herald yet. Reports <see cref="HealthStatus.Degraded"/> when a stream
    /// group's lag or a queue's length is above <see cref="Monitoring.HeraldMonitoringOptions.MaxLag"/>, its
    /// oldest message older than <see cref="Monitoring.HeraldMonitoringOptions.MaxOldestAge"/>, or the lag
    /// monitor's figures are stale because sampling fails.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>herald</c>.</param>
    /// <param name="failureStatus">The status reported on failure.</param>
    /// <param name="tags">Tags to filter checks by (a readiness probe, say).</param>
    /// <param name="timeout">How long the check may take; default 5 s, so a Redis that does not answer fails the check rather than hanging it.</param>
    public static IHealthChecksBuilder AddHerald(this IHealthChecksBuilder builder, string name = "herald", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new HeraldHealthCheck(services.GetRequiredService<HeraldClientProvider>(), services.GetRequiredService<HostedConsumers>(), services.GetService<Monitoring.HeraldLagMonitor>()),
            failureStatus,
            tags,
            timeout ?? TimeSpan.FromSeconds(5)));
    }
}
