using Herald.Consuming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Hosting;

/// <summary>
/// Connects Herald when the host starts, then starts the registered consumers; when the host stops,
/// stops them together, each finishing in-flight messages within its <see cref="ConsumerOptions.StopTimeout"/>
/// (or until the host's shutdown timeout cancels the stop) and handing back what it had not started.
/// </summary>
internal sealed class HeraldHostedService(
    HeraldClientProvider clients,
    IEnumerable<HeraldConsumerRegistration> registrations,
    HostedConsumers running,
    IServiceProvider services,
    ILogger<HeraldHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(cancellationToken).ConfigureAwait(false);
        var started = 0;
        foreach (var registration in registrations)
        {
            Consumer consumer;
            try
            {
                consumer = await registration.StartAsync(client, services, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A host that fails to start runs no StopAsync: the consumers started so far must not linger.
                HostingLog.StartFailed(logger, registration.Destination, exception);
                await StopAllAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            running.Add(consumer);
            started++;
        }

        HostingLog.Started(logger, started);
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopAllAsync(cancellationToken);

    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        var consumers = running.TakeAll();
        if (consumers.Count == 0)
        {
            return;
        }

        HostingLog.Stopping(logger, consumers.Count);
        await Task.WhenAll(consumers.Select(consumer => StopAsync(consumer, cancellationToken))).ConfigureAwait(false);
    }

    private async Task StopAsync(Consumer consumer, CancellationToken cancellationToken)
    {
        try
        {
            await consumer.StopAsync(cancellationToken).ConfigureAwait(false);
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // One consumer's failure must not keep the others from stopping.
            HostingLog.StopFailed(logger, consumer.Destination, consumer.Group, exception);
        }
    }
}
