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
        try
        {
            await next(context).AsTask().WaitAsync(timeout, time, outer).ConfigureAwait(false);
        }
        catch (Exception exception) when (!outer.IsCancellationRequested && (exception is TimeoutException || (exception is OperationCanceledException && deadline.IsCancellationRequested)))
        {
            throw new HandlerTimeoutException($"The handler of {context.Envelope.Type} {context.Envelope.Id} ran longer than {timeout.TotalMilliseconds:F0} ms.");
        }
        finally
        {
            context.CancellationToken = outer;
        }
    }
}
