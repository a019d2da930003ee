using Herald.Tasks.Scheduling;
using Herald.Tasks.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Hosting.Tasks;

/// <summary>Starts the registered task workers and periodic schedulers with the host and stops them with it.</summary>
internal sealed class HeraldTaskWorkerService(
    HeraldClientProvider clients,
    IEnumerable<HeraldTaskWorkerRegistration> registrations,
    IEnumerable<HeraldTaskSchedulerRegistration> schedulers,
    HostedConsumers hosted,
    IServiceProvider services,
    ILogger<HeraldTaskWorkerService> logger) : IHostedService
{
    private readonly List<TaskWorker> _workers = [];
    private readonly List<PeriodicTaskScheduler> _schedulers = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(cancellationToken).ConfigureAwait(false);
        foreach (var registration in registrations)
        {
            TaskWorker worker;
            try
            {
                worker = await registration.StartAsync(client, services, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A host that fails to start runs no StopAsync: the workers started so far must not linger.
                HostingLog.TaskWorkerStartFailed(logger, exception);
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            _workers.Add(worker);
            foreach (var consumer in worker.Consumers)
            {
                hosted.Add(consumer);
            }
        }

        // Schedulers start after the workers, so the first ticks find someone to run them.
        foreach (var registration in schedulers)
        {
            try
            {
                _schedulers.Add(await registration.StartAsync(client, services, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                HostingLog.TaskWorkerStartFailed(logger, exception);
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var running = _schedulers.ToList();
        _schedulers.Clear();
        foreach (var scheduler in running)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false);
        }

        var workers = _workers.ToList();
        _workers.Clear();
        foreach (var consumer in workers.SelectMany(static worker => worker.Consumers))
        {
            hosted.Remove(consumer);
        }

        await Task.WhenAll(workers.Select(worker => StopAsync(worker, cancellationToken))).ConfigureAwait(false);
    }

    private async Task StopAsync(TaskWorker worker, CancellationToken cancellationToken)
    {
        try
        {
            await worker.StopAsync(cancellationToken).ConfigureAwait(false);
            await worker.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // One worker's failure must not keep the others from stopping.
            HostingLog.TaskWorkerStopFailed(logger, exception);
        }
    }
}
