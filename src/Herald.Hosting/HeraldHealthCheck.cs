using System.Diagnostics;
using System.Globalization;
using Herald.Redis.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Hosting;

/// <summary>
/// Herald's health: Redis answers <c>PING</c>, and every hosted consumer makes progress (a consumer with
/// work waiting that finished nothing within its liveness threshold is unhealthy, whatever its connection
/// says). The data holds one entry for Redis and one per consumer.
/// </summary>
internal sealed class HeraldHealthCheck(HeraldClientProvider clients, HostedConsumers consumers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration.FailureStatus;
        if (!clients.TryGetClient(out var client))
        {
            return new HealthCheckResult(failure, "Herald is not connected: the host has not started it, or connecting failed.");
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        Exception? error = null;
        if (client.Redis is { } redis)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await redis.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                data["redis"] = string.Create(CultureInfo.InvariantCulture, $"PONG in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = exception;
                data["redis"] = exception.Message;
                problems.Add($"Redis does not answer PING: {exception.Message}");
            }
        }

        var running = consumers.Consumers;
        foreach (var consumer in running)
        {
            var health = consumer.CheckHealth();
            data[$"{consumer.Destination}/{consumer.Group}/{consumer.Name}"] = health.Description;
            if (!health.IsHealthy)
            {
                problems.Add($"Consumer {consumer.Name} of {consumer.Destination} (group {consumer.Group}): {health.Description}");
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"Redis answers; {running.Count} hosted consumers make progress."), data)
            : new HealthCheckResult(failure, string.Join(" ", problems), error, data);
    }
}
