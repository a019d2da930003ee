using Herald.Consuming;
using Polly;
using Polly.CircuitBreaker;

namespace Herald.CircuitBreaker;

/// <summary>
/// A Polly circuit breaker around the handler. When it opens, the consumer stops fetching for the break
/// duration (messages stay safely in Redis) instead of burning through retries against a dead dependency.
/// </summary>
internal sealed class CircuitBreakerMiddleware : IConsumeMiddleware
{
    private readonly ResiliencePipeline _pipeline;

    public CircuitBreakerMiddleware(CircuitBreakerSettings settings, TimeProvider time, Action<TimeSpan> pauseFetching)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(Retry.RetryMiddleware.IsTransient),
                OnOpened = args =>
                {
                    pauseFetching(args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next) =>
        _pipeline.ExecuteAsync(static (state, _) => state.next(state.context), (context, next), context.CancellationToken);
}
