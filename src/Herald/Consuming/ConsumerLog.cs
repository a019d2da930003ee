using Microsoft.Extensions.Logging;

namespace Herald.Consuming;

/// <summary>Consumer log messages (event ids 2000–2099).</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(2000, LogLevel.Information, "Consumer {Consumer} of {Destination} (group {Group}) started: concurrency {Concurrency}, prefetch {Prefetch}")]
    public static partial void Started(ILogger logger, Destination destination, string group, string consumer, int concurrency, int prefetch);

    [LoggerMessage(2001, LogLevel.Information, "Consumer {Consumer} of {Destination} (group {Group}) stopped after {Processed} messages")]
    public static partial void Stopped(ILogger logger, Destination destination, string group, string consumer, long processed);

    [LoggerMessage(2002, LogLevel.Warning, "Reading {Destination} (group {Group}) failed {Failures} times in a row")]
    public static partial void FetchFailed(ILogger logger, Destination destination, string group, int failures, Exception exception);

    [LoggerMessage(2003, LogLevel.Warning, "Message {MessageId} on {Destination} failed (attempt {Attempt}); retrying in {Delay}: {Error}")]
    public static partial void RetryScheduled(ILogger logger, Destination destination, string messageId, int attempt, TimeSpan delay, string error);

    [LoggerMessage(2004, LogLevel.Error, "Message {MessageId} on {Destination} dead-lettered ({Reason}) after {Attempts} attempts: {Error}")]
    public static partial void DeadLettered(ILogger logger, Destination destination, string messageId, DeadLetterReason reason, int attempts, string error);

    [LoggerMessage(2005, LogLevel.Warning, "Acknowledging {Count} messages of {Destination} failed; they will be redelivered")]
    public static partial void AckFailed(ILogger logger, Destination destination, int count, Exception exception);

    [LoggerMessage(2006, LogLevel.Warning, "Recording the outcome of {MessageId} on {Destination} failed; it stays pending and will be redelivered")]
    public static partial void OutcomeFailed(ILogger logger, Destination destination, string messageId, Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Maintenance of {Destination} failed")]
    public static partial void MaintenanceFailed(ILogger logger, Destination destination, Exception exception);

    [LoggerMessage(2008, LogLevel.Warning, "Consumer {Consumer} of {Destination} (group {Group}) stalled: {Reason}; replacing its receiver")]
    public static partial void Stalled(ILogger logger, Destination destination, string group, string consumer, string reason);

    [LoggerMessage(2009, LogLevel.Warning, "Handing back {Count} unstarted messages of {Destination} failed; they return after the visibility timeout")]
    public static partial void ReleaseFailed(ILogger logger, Destination destination, int count, Exception exception);

    [LoggerMessage(2010, LogLevel.Warning, "Consumer {Consumer} of {Destination} (group {Group}) fell behind and lost {Count} messages ({Total} in all): its buffer was full and dropped the oldest")]
    public static partial void Dropped(ILogger logger, Destination destination, string group, string consumer, long count, long total);

    [LoggerMessage(2011, LogLevel.Information, "Message {MessageId} on {Destination} waits {Delay} for the circuit breaker to close; no attempt spent")]
    public static partial void DeferredByOpenCircuit(ILogger logger, Destination destination, string messageId, TimeSpan delay);

    [LoggerMessage(2012, LogLevel.Debug, "Message {MessageId} on {Destination} deferred for {Delay}, no attempt spent: {Reason}")]
    public static partial void Deferred(ILogger logger, Destination destination, string messageId, TimeSpan delay, string reason);

    [LoggerMessage(2013, LogLevel.Warning, "A dead-letter observer of {Destination} failed for message {MessageId}; the message stays dead-lettered")]
    public static partial void DeadLetterObserverFailed(ILogger logger, Destination destination, string messageId, Exception exception);
}
