using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Herald.Diagnostics;

/// <summary>
/// Herald's <c>Meter("Herald")</c> and <c>ActivitySource("Herald")</c>, named after the OpenTelemetry
/// messaging conventions (<c>messaging.system=redis</c>, <c>messaging.destination.name</c>,
/// <c>messaging.consumer.group.name</c>, <c>messaging.operation.type</c>). <c>docs/observability.md</c>
/// lists every instrument and attribute.
/// </summary>
public static class HeraldDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Herald";

    private static readonly string? s_version = typeof(HeraldDiagnostics).Assembly.GetName().Version?.ToString(3);

    /// <summary>The activity source for producer and consumer spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, s_version);

    /// <summary>The meter behind every Herald instrument.</summary>
    public static Meter Meter { get; } = new(Name, s_version);

    internal static Counter<long> Published { get; } = Meter.CreateCounter<long>("herald.messages.published", "{message}", "Messages published.");

    internal static Counter<long> Delivered { get; } = Meter.CreateCounter<long>("herald.messages.delivered", "{message}", "Messages handed to a consumer.");

    internal static Counter<long> Acknowledged { get; } = Meter.CreateCounter<long>("herald.messages.acked", "{message}", "Messages handled and acknowledged.");

    internal static Counter<long> Failed { get; } = Meter.CreateCounter<long>("herald.messages.failed", "{message}", "Deliveries whose handling failed (after in-process retries).");

    internal static Counter<long> Retried { get; } = Meter.CreateCounter<long>("herald.messages.retried", "{message}", "Messages scheduled for a delayed retry.");

    internal static Counter<long> DeadLettered { get; } = Meter.CreateCounter<long>("herald.messages.dead_lettered", "{message}", "Messages moved to the dead-letter store.");

    internal static Counter<long> Dropped { get; } = Meter.CreateCounter<long>("herald.messages.dropped", "{message}", "Pub/Sub messages lost because a consumer fell behind.");

    internal static Histogram<double> ProcessingDuration { get; } = Meter.CreateHistogram<double>(
        "herald.message.processing.duration", "s", "Handler time per message (per batch for batch handlers).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });

    internal static Histogram<double> EndToEndLatency { get; } = Meter.CreateHistogram<double>(
        "herald.message.latency", "s", "From publish to the end of handling.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 300] });

    internal static ObservableGauge<int> InFlight { get; } = Meter.CreateObservableGauge(
        "herald.consumer.in_flight", LiveConsumers.ObserveInFlight, "{message}", "Messages a running consumer has received and not yet finished.");

    /// <summary>True when anything listens to the consumer-side instruments, so their tags are worth building.</summary>
    internal static bool ConsumerInstrumentsEnabled =>
        Delivered.Enabled || Failed.Enabled || ProcessingDuration.Enabled || EndToEndLatency.Enabled;

    internal static TagList Tags(Destination destination, string? group = null, string? messageType = null, string? outcome = null, string? errorType = null)
    {
        var tags = new TagList
        {
            { "messaging.system", "redis" },
            { "messaging.destination.name", destination.Name },
            { "herald.destination.kind", Destination.KindName(destination.Kind) },
        };
        if (group is not null)
        {
            tags.Add("messaging.consumer.group.name", group);
        }

        if (!string.IsNullOrEmpty(messageType))
        {
            tags.Add("herald.message.type", messageType);
        }

        if (outcome is not null)
        {
            tags.Add("herald.outcome", outcome);
        }

        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        return tags;
    }

    /// <summary>Counts one dead letter, by the runtime (a handler gave up) or by a receiver (a message kept crashing its consumers).</summary>
    internal static void CountDeadLettered(Destination destination, string group, string messageType, DeadLetterReason reason)
    {
        if (DeadLettered.Enabled)
        {
            var tags = Tags(destination, group, messageType);
            tags.Add("herald.dead_letter.reason", reason.ToString());
            DeadLettered.Add(1, tags);
        }
    }

    /// <summary>The <c>error.type</c> of a failure: the exception's full type name, as the conventions ask.</summary>
    internal static string ErrorType(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>
    /// Adds one to <paramref name="counter"/> per item, tagged by each item's message type. Items come in
    /// runs of one type (a batch usually is one type), so a run costs one <c>Add</c>, not one per item.
    /// </summary>
    internal static void AddByType<T>(Counter<long> counter, IReadOnlyList<T> items, Func<T, string> typeOf, Destination destination, string? group)
    {
        var start = 0;
        while (start < items.Count)
        {
            var type = typeOf(items[start]);
            var end = start + 1;
            while (end < items.Count && string.Equals(typeOf(items[end]), type, StringComparison.Ordinal))
            {
                end++;
            }

            counter.Add(end - start, Tags(destination, group, type));
            start = end;
        }
    }
}
