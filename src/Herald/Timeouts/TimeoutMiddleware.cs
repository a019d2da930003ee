using Herald.Consuming;

namespace Herald.Timeouts;

/// <summary>The handler ran past its deadline.</summary>
public sealed class HandlerTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public HandlerTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Gives the handler a token cancelled at the deadline, and stops waiting for it at the deadline even if
/// it ignores the token: the attempt fails then and there, so a stuck handler cannot stall the consumer.
/// </summary>
internal sealed class TimeoutMiddleware(TimeSpan timeout, TimeProvider time) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var outer = context.CancellationToken;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(outer);
        deadline.CancelAfter(timeout);
        context.CancellationToken = deadline.Token;
        Task? handler = null;
        try
        {
            var pending = next(context);
            if (pending.IsCompleted)
            {
                // Finished at once: nothing to race against the deadline, and no task or wait to allocate.
                await pending.ConfigureAwait(false);
                return;
            }

            handler = pending.AsTask();
            await handler.WaitAsync(timeout, time, outer).ConfigureAwait(false);
        }
        catch (Exception exception) when (!outer.IsCancellationRequested && (exception is TimeoutException || (exception is OperationCanceledException && deadline.IsCancellationRequested)))
        {
            var subject = context.Batch is { } batch
                ? $"a batch of {batch.Count} {context.Envelope.Type} messages starting with {context.Envelope.Id}"
                : $"{context.Envelope.Type} {context.Envelope.Id}";
            throw new HandlerTimeoutException($"The handler of {subject} ran longer than {timeout.TotalMilliseconds:F0} ms.");
        }
        finally
        {
            if (handler is { IsCompleted: false })
            {
                // We stop waiting for a handler that still runs (deadline, or the consumer stopping): cancel its
                // token ourselves. The deadline's own timer and the link to the outer token may not have fired
                // yet, and disposing the source would then leave the handler running with a token never cancelled.
                await deadline.CancelAsync().ConfigureAwait(false);
            }

            context.CancellationToken = outer;
        }
    }
}
