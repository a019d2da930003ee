using System.Diagnostics;
using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>Starts a consumer span, child of the producer's span carried in <c>traceparent</c>.</summary>
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

        var parent = ActivityContext.TryParse(context.Envelope.TraceParent, null, out var parsed) ? parsed : default;
        using var activity = source.StartActivity($"process {context.Destination.Name}", ActivityKind.Consumer, parent);
        if (activity is not null)
        {
            activity.SetTag("messaging.system", "redis");
            activity.SetTag("messaging.operation", "process");
            activity.SetTag("messaging.destination.name", context.Destination.Name);
            activity.SetTag("messaging.consumer.group.name", context.Group);
            activity.SetTag("messaging.message.id", context.Envelope.Id);
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
}
