using System.Diagnostics;
using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>
/// Starts a consumer span, child of the producer's span carried in <c>traceparent</c> (and
/// <c>tracestate</c>). A batch gets one span, linked to the producer span of each of its messages, as
/// the messaging conventions ask when one operation handles messages of many traces.
/// </summary>
internal sealed class TracingMiddleware(Destination subscription) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var source = HeraldDiagnostics.ActivitySource;
        if (!source.HasListeners())
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var name = $"process {context.Destination.Name}";
        using var activity = context.Batch is { } batch
            ? source.StartActivity(ActivityKind.Consumer, links: Links(batch), name: name)
            : source.StartActivity(name, ActivityKind.Consumer, Parent(context));
        if (activity is { IsAllDataRequested: true })
        {
            Describe(activity, context);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.Message);
                activity.SetTag("error.type", HeraldDiagnostics.ErrorType(exception));
                activity.AddException(exception);
            }

            throw;
        }
    }

    private void Describe(Activity activity, ConsumeContext context)
    {
        activity.SetTag("messaging.system", "redis");
        activity.SetTag("messaging.operation", "process");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.operation.name", "process");
        activity.SetTag("messaging.destination.name", context.Destination.Name);
        activity.SetTag("herald.destination.kind", Destination.KindName(subscription.Kind));
        if (subscription.Kind == DestinationKind.Pattern)
        {
            activity.SetTag("messaging.destination.template", subscription.Name);
        }

        activity.SetTag("messaging.consumer.group.name", context.Group);
        activity.SetTag("messaging.client.id", context.Consumer);
        if (context.Batch is { } items)
        {
            activity.SetTag("messaging.batch.message_count", items.Count);
        }
        else
        {
            activity.SetTag("messaging.message.id", context.Envelope.Id);
            activity.SetTag("herald.attempt", context.Attempt);
        }

        activity.SetTag("herald.message.type", context.Envelope.Type);
    }

    // The envelope's context came from another process: a remote parent, as W3C propagation means it.
    private static ActivityContext Parent(ConsumeContext context) =>
        ActivityContext.TryParse(context.Envelope.TraceParent, context.Envelope.TraceState, isRemote: true, out var parsed) ? parsed : default;

    private static List<ActivityLink> Links(IReadOnlyList<ConsumeContext> batch) =>
        [.. batch.Select(Parent).Where(static parent => parent != default).Select(static parent => new ActivityLink(parent))];
}
