using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>Counts deliveries and failures and records processing time and end-to-end latency.</summary>
internal sealed class MetricsMiddleware(TimeProvider time) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var tags = HeraldDiagnostics.Tags(context.Destination, context.Group, context.Envelope.Type);
        HeraldDiagnostics.Delivered.Add(1, tags);
        var start = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            HeraldDiagnostics.Failed.Add(1, tags);
            throw;
        }
        finally
        {
            HeraldDiagnostics.ProcessingDuration.Record(time.GetElapsedTime(start).TotalSeconds, tags);
        }

        if (context.Envelope.Time != default)
        {
            HeraldDiagnostics.EndToEndLatency.Record(Math.Max(0, (time.GetUtcNow() - context.Envelope.Time).TotalSeconds), tags);
        }
    }
}
