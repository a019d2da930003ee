using Herald.Tasks;
using Herald.Tasks.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Hosting.Tasks;

/// <summary>Registers tasks resolved from dependency injection, one scope per run.</summary>
public static class TaskWorkerBuilderExtensions
{
    /// <summary>
    /// Runs the task named <paramref name="name"/> with a <typeparamref name="TTask"/> resolved from a DI scope
    /// of its own for each run, so tasks may depend on scoped services such as a <c>DbContext</c>. Register
    /// <typeparamref name="TTask"/> itself, usually with <c>AddScoped</c>.
    /// </summary>
    public static TaskWorkerBuilder RegisterScoped<TTask, TArgs, TResult>(this TaskWorkerBuilder builder, IServiceProvider services, string name, Action<TaskSettings>? configure = null)
        where TTask : class, ITask<TArgs, TResult>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        return builder.Register<TArgs, TResult>(name, async (args, context, cancellationToken) =>
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                return await scope.ServiceProvider.GetRequiredService<TTask>().RunAsync(args, context, cancellationToken).ConfigureAwait(false);
            }
        }, configure);
    }

    /// <summary>Runs the task named <paramref name="name"/>, which returns nothing, with a <typeparamref name="TTask"/> resolved from a DI scope of its own for each run.</summary>
    public static TaskWorkerBuilder RegisterScoped<TTask, TArgs>(this TaskWorkerBuilder builder, IServiceProvider services, string name, Action<TaskSettings>? configure = null)
        where TTask : class, ITask<TArgs>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        return builder.Register<TArgs>(name, async (args, context, cancellationToken) =>
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await scope.ServiceProvider.GetRequiredService<TTask>().RunAsync(args, context, cancellationToken).ConfigureAwait(false);
            }
        }, configure);
    }
}
