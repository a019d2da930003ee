using Herald.Tasks;
using Herald.Tasks.Scheduling;
using Herald.Tasks.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Herald.Hosting.Tasks;

/// <summary>Registers Herald's task queue with a host: a shared <see cref="TaskClient"/> and task workers that run while the host runs.</summary>
public static class HeraldTaskServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="TaskClient"/> over the host's <see cref="HeraldClient"/>, for producers to
    /// inject. Call after <c>AddHerald</c>.
    /// </summary>
    public static IServiceCollection AddHeraldTasks(this IServiceCollection services, Action<TaskClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(provider => provider.GetRequiredService<HeraldClient>().CreateTaskClient(configure));
        return services;
    }

    /// <summary>
    /// Runs a task worker while the host runs: <paramref name="build"/> registers its tasks (with
    /// <see cref="TaskWorkerBuilderExtensions.RegisterScoped{TTask, TArgs, TResult}"/> for tasks resolved
    /// from DI) given the root service provider. Its consumers join <see cref="HostedConsumers"/>, so the
    /// health checks and lag gauges cover them. Stopping the host lets running tasks finish within
    /// <see cref="TaskWorkerOptions.StopTimeout"/> and hands back the rest. Call after <c>AddHerald</c>.
    /// </summary>
    public static IServiceCollection AddHeraldTaskWorker(this IServiceCollection services, Action<TaskWorkerOptions>? configure, Action<IServiceProvider, TaskWorkerBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(build);
        services.AddSingleton(new HeraldTaskWorkerRegistration(configure, build));
        services.TryAddSingleton<HostedConsumers>();

        // Registered after AddHerald's own service, so the client is connected when workers start.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HeraldTaskWorkerService>());
        return services;
    }

    /// <summary>
    /// Runs a periodic task scheduler while the host runs: <paramref name="build"/> adds its entries. Run it in
    /// as many hosts as you like: each tick is enqueued once however many schedulers run. Call after <c>AddHerald</c>.
    /// </summary>
    public static IServiceCollection AddHeraldTaskScheduler(this IServiceCollection services, Action<PeriodicTaskSchedulerOptions>? configure, Action<IServiceProvider, PeriodicTaskSchedulerBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(build);
        services.AddSingleton(new HeraldTaskSchedulerRegistration(configure, build));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HeraldTaskWorkerService>());
        return services;
    }
}

/// <summary>One periodic task scheduler to run while the host runs, as registered by <c>AddHeraldTaskScheduler</c>.</summary>
internal sealed class HeraldTaskSchedulerRegistration(Action<PeriodicTaskSchedulerOptions>? configure, Action<IServiceProvider, PeriodicTaskSchedulerBuilder> build)
{
    public Task<PeriodicTaskScheduler> StartAsync(HeraldClient client, IServiceProvider services, CancellationToken cancellationToken)
    {
        var builder = client.CreateTaskScheduler(configure);
        build(services, builder);
        return builder.StartAsync(cancellationToken);
    }
}

/// <summary>One task worker to run while the host runs, as registered by <c>AddHeraldTaskWorker</c>.</summary>
internal sealed class HeraldTaskWorkerRegistration(Action<TaskWorkerOptions>? configure, Action<IServiceProvider, TaskWorkerBuilder> build)
{
    public Task<TaskWorker> StartAsync(HeraldClient client, IServiceProvider services, CancellationToken cancellationToken)
    {
        var builder = client.CreateTaskWorker(configure);
        build(services, builder);
        return builder.StartAsync(cancellationToken);
    }
}
