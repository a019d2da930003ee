using Herald.Consuming;
using Herald.Deduplication;
using Polly;
using Polly.Retry;

namespace Herald.Retry;

/// <summary>
/// In-process retries with exponential back-off and jitter (Polly) for blips. What still fails leaves the
/// pipeline and the runtime schedules a delayed retry in Redis or dead-letters it. Failures that another
/// try cannot fix (invalid or undecodable messages, duplicates) are not retried here.
/// </summary>
internal sealed class RetryMiddleware : IConsumeMiddleware
{
    private readonly ResiliencePipeline _pipeline;

    public RetryMiddleware(RetrySettings settings, TimeProvider time)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = settings.InProcessRetries,
                Delay = settings.InProcessDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            })
            .Build();
    }

    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var outer = context.CancellationToken;
        await _pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var (ctx, nextStep, original) = state;
                ctx.CancellationToken = original;
                await nextStep(ctx).ConfigureAwait(false);
            },
            (context, next, outer),
            outer).ConfigureAwait(false);
    }

    internal static bool IsTransient(Exception exception) => exception is not (MessageValidationException or MessageDecodeException
        or MessageTooLargeException or DestinationAccessDeniedException or DuplicateInProgressException or Polly.CircuitBreaker.BrokenCircuitException
        or OperationCanceledException or NoHandlerException or DeferMessageException or RejectMessageException);
}

/// <summary>No handler was registered for the message's type.</summary>
public sealed class NoHandlerException : Herald.Redis.HeraldException
{
    /// <summary>Creates the exception.</summary>
    public NoHandlerException(string messageType, Destination destination)
        : base($"No handler for type '{messageType}' on {destination}.")
    {
    }
}
