using System.Diagnostics;
using System.Globalization;
using Herald.Hosting.Monitoring;
using Herald.Redis.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Hosting;

/// <summary>
/// Herald's health: Redis answers <c>PING</c>, and every hosted consumer makes progress (a consumer with
/// work waiting that finished nothing within its liveness threshold is unhealthy, whatever its connection
/// says). With the lag monitor running, a stream group or queue whose lag or oldest age is above the
/// thresholds of <see cref="HeraldMonitoringOptions"/>, or figures gone stale because sampling fails, make
/// it <see cref="HealthStatus.Degraded"/>. The data holds one entry for Redis, one per consumer, and the
/// sampled figures of each group and queue.
/// </summary>
internal sealed class HeraldHealthCheck(HeraldClientProvider clients, HostedConsumers consumers, HeraldLagMonitor? monitor) : IHealthCheck
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

        var concerns = monitor is { Current: { } snapshot } ? JudgeLag(snapshot, monitor.Options, client.Options.TimeProvider, data) : [];
        if (problems.Count > 0)
        {
            return new HealthCheckResult(failure, string.Join(" ", problems.Concat(concerns)), error, data);
        }

        return concerns.Count == 0
            ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"Redis answers; {running.Count} hosted consumers make progress."), data)
            : HealthCheckResult.Degraded(string.Join(" ", concerns), data: data);
    }

    // Lag is a warning, not a failure: the consumers work, they are behind (or the figures cannot be read).
    private static List<string> JudgeLag(LagSnapshot snapshot, HeraldMonitoringOptions thresholds, TimeProvider time, Dictionary<string, object> data)
    {
        var concerns = new List<string>();
        var now = time.GetUtcNow();
        if (snapshot.IsStale)
        {
            var age = snapshot.HasSample
                ? string.Create(CultureInfo.InvariantCulture, $"the last good sample is {(now - snapshot.SampledAt).TotalSeconds:F0} s old")
                : "no sample has succeeded yet";
            data["lag:stale"] = snapshot.Error ?? string.Empty;
            concerns.Add($"Lag figures are stale: sampling failed ({snapshot.Error}); {age}.");
        }

        if (snapshot.HasSample)
        {
            data["lag:sampled_at"] = snapshot.SampledAt;
        }

        foreach (var figures in snapshot.Figures)
        {
            var name = figures.Group is null ? figures.Destination.ToString() : $"{figures.Destination}/{figures.Group}";
            data[$"{name}:lag"] = figures.Lag;
            data[$"{name}:pending"] = figures.Pending;
            data[$"{name}:oldest_age_seconds"] = figures.OldestAge?.TotalSeconds ?? 0d;
            if (figures.Lag > thresholds.MaxLag)
            {
                concerns.Add(string.Create(CultureInfo.InvariantCulture, $"{figures} lags {figures.Lag} messages (threshold {thresholds.MaxLag})."));
            }

            if (figures.OldestAge > thresholds.MaxOldestAge)
            {
                concerns.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{figures} has an unfinished message {figures.OldestAge.Value.TotalSeconds:0.#} s old (threshold {thresholds.MaxOldestAge.Value.TotalSeconds:0.#} s)."));
            }
        }

        return concerns;
    }
}
