using Herald.Consuming;

namespace Herald.Hosting;

/// <summary>The consumers registered with <c>AddHeraldConsumer</c> that the host has started: for health checks, pausing, statistics.</summary>
public sealed class HostedConsumers
{
    private readonly Lock _lock = new();
    private readonly List<Consumer> _consumers = [];

    /// <summary>The running consumers, in registration order (empty before the host starts).</summary>
    public IReadOnlyList<Consumer> Consumers
    {
        get
        {
            lock (_lock)
            {
                return [.. _consumers];
            }
        }
    }

    internal void Add(Consumer consumer)
    {
        lock (_lock)
        {
            _consumers.Add(consumer);
        }
    }

    internal void Remove(Consumer consumer)
    {
        lock (_lock)
        {
            _consumers.Remove(consumer);
        }
    }

    internal IReadOnlyList<Consumer> TakeAll()
    {
        lock (_lock)
        {
            var all = _consumers.ToList();
            _consumers.Clear();
            return all;
        }
    }
}
