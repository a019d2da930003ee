using Herald.Consuming;

namespace Herald.Hosting;

/// <summary>One consumer to run while the host runs, as registered by <c>AddHeraldConsumer</c>.</summary>
internal sealed class HeraldConsumerRegistration(Destination destination, Action<ConsumerOptions>? configure, Action<IServiceProvider, ConsumerBuilder> build)
{
    public Destination Destination { get; } = destination;

    public async Task<Consumer> StartAsync(HeraldClient client, IServiceProvider services, CancellationToken cancellationToken)
    {
        var builder = client.Consume(Destination, configure);
        build(services, builder);
        return await builder.StartAsync(cancellationToken).ConfigureAwait(false);
    }
}
