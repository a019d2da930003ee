using Herald.Consuming;

namespace Herald.Diagnostics;

/// <summary>
/// Counts deliveries and failures and records processing time and end-to-end latency. A batch counts
/// each of its messages and records one processing time. Everything is tagged with the consumer's own
/// destination (a pattern subscription's pattern, not each matching channel) so that the figures of one
/// consumer add up, whatever it matched.
/// </summary>
internal sealed class MetricsMiddleware(TimeProvider time, Destination destination) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        if (!HeraldDiagnostics.ConsumerInstrumentsEnabled)
        {
            // Nobody collects: no tags, no clock reads on the hot path.
            await next(context).ConfigureAwait(false);
            return;
        }

        var type = context.Envelope.Type;
        var count = context.Batch?.Count ?? 1;
        HeraldDiagnostics.Delivered.Add(count, HeraldDiagnostics.Tags(destination, context.Group, type));
        var start = time.GetTimestamp();
        string outcome;
        try
        {
            await next(context).ConfigureAwait(false);
            outcome = context.Skipped ? Outcomes.Skipped : Outcomes.Success;
        }
        catch (Exception exception)
        {
            HeraldDiagnostics.Failed.Add(count, HeraldDiagnostics.Tags(destination, context.Group, type, errorType: HeraldDiagnostics.ErrorType(exception)));
            Record(context, start, Outcomes.Failure);
            throw;
        }

        Record(context, start, outcome);
    }

    /// <summary>
    /// A message that failed before the pipeline (undecodable, unauthorised, no handler) was still
    /// delivered and still failed: count it, or the failed and dead-lettered figures would not add up.
    /// </summary>
    internal static void Rejected(ConsumeContext context, Destination destination, Exception failure)
    {
        if (!HeraldDiagnostics.ConsumerInstrumentsEnabled)
        {
            return;
        }

        var type = context.Envelope.Type;
        HeraldDiagnostics.Delivered.Add(1, HeraldDiagnostics.Tags(destination, context.Group, type));
        HeraldDiagnostics.Failed.Add(1, HeraldDiagnostics.Tags(destination, context.Group, type, errorType: HeraldDiagnostics.ErrorType(failure)));
    }

    private void Record(ConsumeContext context, long start, string outcome)
    {
        var tags = HeraldDiagnostics.Tags(destination, context.Group, context.Envelope.Type, outcome);
        HeraldDiagnostics.ProcessingDuration.Record(time.GetElapsedTime(start).TotalSeconds, tags);
        if (!HeraldDiagnostics.EndToEndLatency.Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var item in context.Batch ?? [context])
        {
            if (item.Envelope.Time != default)
            {
                HeraldDiagnostics.EndToEndLatency.Record(Math.Max(0, (now - item.Envelope.Time).TotalSeconds), tags);
            }
        }
    }

    /// <summary>Values of the <c>herald.outcome</c> attribute.</summary>
    internal static class Outcomes
    {
        public const string Success = "success";
        public const string Failure = "failure";
        public const string Skipped = "skipped";
    }
}
