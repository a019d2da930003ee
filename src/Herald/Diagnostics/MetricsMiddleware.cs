using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>
/// Counts deliveries and failures and records processing time and end-to-end latency. A batch counts
/// each of its messages and records one processing time.
/// </summary>
internal sealed class MetricsMiddleware(TimeProvider time) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        if (!HeraldDiagnostics.ConsumerInstrumentsEnabled)
        {
            // Nobody collects: no tags, no clock reads on the hot path.
            await next(context).ConfigureAwait(false);
            return;
        }

        var tags = HeraldDiagnostics.Tags(context.Destination, context.Group, context.Envelope.Type);
        var count = context.Batch?.Count ?? 1;
        HeraldDiagnostics.Delivered.Add(count, tags);
        var start = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            HeraldDiagnostics.Failed.Add(count, tags);
            throw;
        }
        finally
        {
            HeraldDiagnostics.ProcessingDuration.Record(time.GetElapsedTime(start).TotalSeconds, tags);
        }

        foreach (var item in context.Batch ?? [context])
        {
            if (item.Envelope.Time != default)
            {
                HeraldDiagnostics.EndToEndLatency.Record(Math.Max(0, (time.GetUtcNow() - item.Envelope.Time).TotalSeconds), tags);
            }
        }
    }
}
