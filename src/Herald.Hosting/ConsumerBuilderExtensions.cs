using Herald.Consuming;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Hosting;

/// <summary>Handlers that live in a DI scope of their own per message.</summary>
public static class ConsumerBuilderExtensions
{
    /// <summary>
    /// Handles <typeparamref name="TMessage"/> with a <typeparamref name="THandler"/> resolved from a new scope
    /// of <paramref name="services"/> for each message (or created with its dependencies when it is not registered).
    /// </summary>
    public static ConsumerBuilder HandleScoped<THandler, TMessage>(this ConsumerBuilder builder, IServiceProvider services, string? type = null)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.HandleScoped<TMessage>(services, static (context, scope, cancellationToken) =>
            ActivatorUtilities.GetServiceOrCreateInstance<THandler>(scope).HandleAsync(context, cancellationToken), type);
    }

    /// <summary>Handles <typeparamref name="TMessage"/> with <paramref name="handler"/>, given a new scope of <paramref name="services"/> for each message.</summary>
    public static ConsumerBuilder HandleScoped<TMessage>(
        this ConsumerBuilder builder,
        IServiceProvider services,
        Func<MessageContext<TMessage>, IServiceProvider, CancellationToken, ValueTask> handler,
        string? type = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handler);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        return builder.Handle<TMessage>(
            async (context, cancellationToken) =>
            {
                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    await handler(context, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
                }
            },
            type);
    }
}
