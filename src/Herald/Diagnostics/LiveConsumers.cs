using System.Diagnostics;
using System.Diagnostics.Metrics;
using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>
/// The consumers of this process that observable instruments report on. A consumer is added when it
/// starts and removed when it stops; the references are weak, so a consumer abandoned without being
/// stopped is not kept alive by metrics either.
/// </summary>
internal static class LiveConsumers
{
    private static readonly Lock s_lock = new();
    private static readonly List<WeakReference<Consumer>> s_consumers = [];

    internal static void Add(Consumer consumer)
    {
        lock (s_lock)
        {
            s_consumers.Add(new WeakReference<Consumer>(consumer));
        }
    }

    internal static void Remove(Consumer consumer)
    {
        lock (s_lock)
        {
            s_consumers.RemoveAll(reference => !reference.TryGetTarget(out var live) || ReferenceEquals(live, consumer));
        }
    }

    /// <summary>The running consumers now (collected ones are forgotten on the way).</summary>
    internal static List<Consumer> Snapshot()
    {
        var live = new List<Consumer>();
        lock (s_lock)
        {
            s_consumers.RemoveAll(reference =>
            {
                if (!reference.TryGetTarget(out var consumer))
                {
                    return true;
                }

                live.Add(consumer);
                return false;
            });
        }

        return live;
    }

    internal static IEnumerable<Measurement<int>> ObserveInFlight()
    {
        var consumers = Snapshot();
        var measurements = new Measurement<int>[consumers.Count];
        for (var i = 0; i < consumers.Count; i++)
        {
            var consumer = consumers[i];
            var tags = HeraldDiagnostics.Tags(consumer.Destination, consumer.Group);
            tags.Add("messaging.client.id", consumer.Name);
            measurements[i] = new Measurement<int>(consumer.InFlight, tags);
        }

        return measurements;
    }
}
