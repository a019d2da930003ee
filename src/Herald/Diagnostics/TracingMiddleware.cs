using System.Diagnostics;
using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>
/// Starts a consumer span, child of the producer's span carried in <c>traceparent</c>. A batch gets one
/// span, linked to the producer span of each of its messages.
/// </summary>
internal sealed class TracingMiddleware : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var source = HeraldDiagnostics.ActivitySource;
        if (!source.HasListeners())
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        using var activity = context.Batch is { } batch
            ? source.StartActivity(ActivityKind.Consumer, links: Links(batch), name: $"process {context.Destination.Name}")
            : source.StartActivity($"process {context.Destination.Name}", ActivityKind.Consumer, Parent(context));
        if (activity is not null)
        {
            activity.SetTag("messaging.system", "redis");
            activity.SetTag("messaging.operation", "process");
            activity.SetTag("messaging.destination.name", context.Destination.Name);
            activity.SetTag("messaging.consumer.group.name", context.Group);
            if (context.Batch is { } items)
            {
                activity.SetTag("messaging.batch.message_count", items.Count);
            }
            else
            {
                activity.SetTag("messaging.message.id", context.Envelope.Id);
            }

            activity.SetTag("herald.message.type", context.Envelope.Type);
            activity.SetTag("herald.attempt", context.Attempt);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.AddException(exception);
            throw;
        }
    }

    private static ActivityContext Parent(ConsumeContext context) =>
        ActivityContext.TryParse(context.Envelope.TraceParent, null, out var parsed) ? parsed : default;

    private static List<ActivityLink> Links(IReadOnlyList<ConsumeContext> batch) =>
        [.. batch.Select(Parent).Where(static parent => parent != default).Select(static parent => new ActivityLink(parent))];
}
