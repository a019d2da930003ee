using System.Collections.Concurrent;
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
/// <remarks>
/// The deadline sources are pooled: a new linked source and timer for every message cost more than a
/// no-op handler itself. A source goes back to the pool only when the handler finished before its deadline
/// and nothing cancelled it (<see cref="CancellationTokenSource.TryReset"/> then also drops every callback
/// the handler registered), so like ASP.NET Core's pooled request tokens, the token is the handler's for the
/// duration of its call, not after it returns.
/// </remarks>
internal sealed class TimeoutMiddleware(TimeSpan timeout, TimeProvider time) : IConsumeMiddleware
{
    // Enough for any realistic concurrency; past it, sources are simply not kept.
    private const int PoolLimit = 256;
    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();
    private int _pooled;

    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var outer = context.CancellationToken;
        var deadline = Rent();
        var link = outer.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
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
            context.CancellationToken = outer;
            if (handler is { IsCompleted: false })
            {
                // We stop waiting for a handler that still runs (deadline, or the consumer stopping): cancel its
                // token ourselves. The deadline's own timer and the link to the outer token may not have fired
                // yet, and disposing the source would then leave the handler running with a token never cancelled.
                // The source is not reused: the handler still holds its token.
                await link.DisposeAsync().ConfigureAwait(false);
                await deadline.CancelAsync().ConfigureAwait(false);
            }
            else
            {
                await link.DisposeAsync().ConfigureAwait(false);
                Return(deadline);
            }
        }
    }

    private CancellationTokenSource Rent()
    {
        if (_pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _pooled);
            return source;
        }

        return new CancellationTokenSource();
    }

    // Only a source never cancelled can be reset (TryReset also refuses one whose timer may have fired);
    // resetting stops its timer and removes every registration on its token.
    private void Return(CancellationTokenSource source)
    {
        if (source.TryReset())
        {
            if (Interlocked.Increment(ref _pooled) <= PoolLimit)
            {
                _pool.Enqueue(source);
                return;
            }

            Interlocked.Decrement(ref _pooled);
        }

        source.Dispose();
    }
}
