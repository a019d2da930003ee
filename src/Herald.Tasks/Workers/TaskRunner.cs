using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Herald.Codecs;
using Herald.Consuming;
using Herald.RateLimiting;
using Herald.Tasks.State;
using Herald.Timeouts;
using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Workers;

/// <summary>
/// Runs delivered tasks: claims each in Redis, runs it under its deadline and revocation, records the outcome,
/// and tells the consumer underneath whether to acknowledge, retry (with the task's own backoff and limit) or
/// dead-letter the message.
/// </summary>
internal sealed class TaskRunner(TaskStateStore store, MessageCodec codec, GlobalRateLimiter rateLimiter, TimeProvider time, string workerId, TaskWorkerStatistics statistics, ILogger logger)
{
    // How long a task whose state could not be written waits in Redis before it is delivered again.
    private static readonly TimeSpan s_unavailableDelay = TimeSpan.FromSeconds(1);
    // The prefix of a task's rate-limit name, apart from the consumer groups' (kind:name#group) ones.
    private const string TaskRateLimitPrefix = "task:";
    private static readonly TimeSpan s_rateLimitWait = TimeSpan.FromSeconds(2);

    // A task refused before it ran has no settings to say how long to keep its state: the default's.
    private static readonly TimeSpan s_refusedTtl = new TaskSettings().ResultTtl;
    private readonly ConcurrentDictionary<string, TaskRun> _running = new(StringComparer.Ordinal);

    /// <summary>Cancels the run of <paramref name="taskId"/> on this worker, if it runs here.</summary>
    public bool Terminate(string taskId)
    {
        if (!_running.TryGetValue(taskId, out var run))
        {
            return false;
        }

        run.Revoke();
        return true;
    }

    /// <summary>
    /// Records <see cref="TaskState.Failed"/> for a task dead-lettered before it could run: a name no task of the
    /// worker has, arguments that do not decode, a body too large. Failures of runs are recorded by the run itself.
    /// </summary>
    public async ValueTask RecordRefusedAsync(DeadLetteredMessage message, CancellationToken cancellationToken)
    {
        if (message.Reason is DeadLetterReason.HandlerFailed or DeadLetterReason.TimedOut or DeadLetterReason.Rejected
            || !Keys.KeySchema.IsValidName(message.Envelope.Id))
        {
            return;
        }

        await store.FailAsync(message.Envelope.Id, message.Error, retryAt: null, s_refusedTtl, CancellationToken.None).ConfigureAwait(false);
        statistics.AddFailed();
    }

    public async ValueTask RunAsync<TArgs, TResult>(TaskDefinition<TArgs, TResult> task, MessageContext<TArgs> message, CancellationToken cancellationToken)
    {
        var envelope = message.Envelope;
        var taskId = envelope.Id;
        var settings = task.Settings;
        var headers = envelope.Headers;
        var maxRetries = (int?)ReadNumber(headers, TaskHeaders.MaxRetries) ?? settings.MaxRetries;
        var timeout = ReadNumber(headers, TaskHeaders.Timeout) is { } ms ? (ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(ms)) : settings.Timeout;
        var attempt = message.Attempt;

        // The consumer follows the task's own retry limit, not its default.
        message.Context.MaxDeliveries = maxRetries + 1;
        if (ReadNumber(headers, TaskHeaders.Expires) is { } expires && time.GetUtcNow().ToUnixTimeMilliseconds() > expires)
        {
            await RecordAsync(() => store.EndAsync(taskId, TaskState.Expired, "expired before a worker started it", settings.ResultTtl, CancellationToken.None), task.Name, taskId)
                .ConfigureAwait(false);
            statistics.AddExpired();
            TaskLog.Expired(logger, task.Name, taskId, DateTimeOffset.FromUnixTimeMilliseconds(expires));
            return;
        }

        if (settings.RateLimit is { } limit)
        {
            // One limit per task name, shared by every worker on this Redis. A permit due within a short wait is
            // waited for; a later one sends the task back to its queue, its attempt unspent and its state untouched.
            await rateLimiter.WaitOrDeferAsync(TaskRateLimitPrefix + task.Name, limit, 1, s_rateLimitWait, cancellationToken).ConfigureAwait(false);
        }

        var claimed = await RecordAsync(() => store.StartAsync(taskId, workerId, attempt, settings.ResultTtl, task.Name, message.Destination.Name, envelope.Time, cancellationToken),
            task.Name, taskId).ConfigureAwait(false);
        if (claimed != TaskState.Started)
        {
            Skip(task.Name, taskId, claimed);
            return;
        }

        var run = new TaskRun(timeout, time, cancellationToken);
        _running[taskId] = run;
        statistics.Enter();
        var context = new TaskContext(taskId, task.Name, message.Destination.Name, attempt, maxRetries, envelope.Time, UserHeaders(headers), workerId, run.Token);
        Task<TResult>? abandoned = null;
        Exception? failure = null;
        var result = default(TResult);
        try
        {
            var pending = task.Run(message.Message, context, run.Token);
            if (pending.IsCompleted)
            {
                result = await pending.ConfigureAwait(false);
            }
            else
            {
                // Stop waiting at the deadline or on termination even if the task ignores its token.
                var running = pending.AsTask();
                try
                {
                    result = await running.WaitAsync(run.Token).ConfigureAwait(false);
                }
                finally
                {
                    if (!running.IsCompleted)
                    {
                        abandoned = running;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failure = exception;
        }
        finally
        {
            statistics.Leave();
            _running.TryRemove(KeyValuePair.Create(taskId, run));
            run.Dispose();
        }

        if (abandoned is not null)
        {
            TaskLog.Abandoned(logger, task.Name, taskId);
            _ = abandoned.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (failure is null)
        {
            var body = task.HasResult && !settings.IgnoreResult ? codec.Encode(result, typeof(TResult), taskId) : (EncodedBody?)null;
            await RecordAsync(() => store.SucceedAsync(taskId, body, settings.ResultTtl, CancellationToken.None), task.Name, taskId).ConfigureAwait(false);
            statistics.AddSucceeded();
            return;
        }

        if (run.Revoked)
        {
            await RecordAsync(() => store.EndAsync(taskId, TaskState.Revoked, "revoked and terminated while running", settings.ResultTtl, CancellationToken.None), task.Name, taskId)
                .ConfigureAwait(false);
            statistics.AddRevoked();
            TaskLog.Revoked(logger, task.Name, taskId, "terminated while running");
            return;
        }

        if (failure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // The worker is stopping past its grace period: not the task's fault; the consumer hands it back.
            ExceptionDispatchInfo.Throw(failure);
        }

        if (run.TimedOut && failure is OperationCanceledException)
        {
            failure = new HandlerTimeoutException($"Task {task.Name} {taskId} ran longer than its timeout of {timeout.TotalMilliseconds:F0} ms.");
        }

        await FailAsync(task.Name, taskId, settings, message.Context, attempt, maxRetries, failure).ConfigureAwait(false);
    }

    private async ValueTask FailAsync(string taskName, string taskId, TaskSettings settings, ConsumeContext consume, int attempt, int maxRetries, Exception failure)
    {
        var retryable = failure is TaskRetryException || (settings.RetryOn?.Invoke(failure) ?? true);
        if (retryable && attempt <= maxRetries)
        {
            var delay = (failure as TaskRetryException)?.Delay ?? settings.DelayFor(attempt);
            consume.RetryDelay = delay;
            var recorded = await RecordAsync(() => store.FailAsync(taskId, failure, time.GetUtcNow() + delay, settings.ResultTtl, CancellationToken.None), taskName, taskId)
                .ConfigureAwait(false);
            if (recorded == TaskState.Revoked)
            {
                // Revoked while it ran: no retry. The message is acknowledged and the revocation stands.
                statistics.AddRevoked();
                TaskLog.Revoked(logger, taskName, taskId, "its retry is cancelled");
                return;
            }

            statistics.AddRetried();
            TaskLog.Retrying(logger, taskName, taskId, attempt, delay, failure.Message);
            ExceptionDispatchInfo.Throw(failure);
        }

        // No delivery is left: the consumer dead-letters the message now, with this error as the reason.
        consume.MaxDeliveries = attempt;
        await RecordAsync(() => store.FailAsync(taskId, failure, retryAt: null, settings.ResultTtl, CancellationToken.None), taskName, taskId).ConfigureAwait(false);
        statistics.AddFailed();
        TaskLog.Failed(logger, taskName, taskId, attempt, failure.Message);
        ExceptionDispatchInfo.Throw(failure);
    }

    // A state write Redis did not confirm (a dropped connection, a restart, a server still loading) says nothing
    // about the task: failing for it would spend an attempt, and on the last one dead-letter the task while its
    // state still said it ran. The write is tried once more (it waits in the client's backlog while the client
    // reconnects; every write here may safely be repeated), then the message is deferred: it waits in Redis and
    // comes back with the same attempt, and a run whose success was recorded after all is not repeated.
    private async ValueTask<TaskState> RecordAsync(Func<ValueTask<TaskState>> write, string taskName, string taskId)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (Exception first) when (RedisFaults.IsUnavailable(first))
        {
            try
            {
                return await write().ConfigureAwait(false);
            }
            catch (Exception second) when (RedisFaults.IsUnavailable(second))
            {
                TaskLog.StateUnavailable(logger, taskName, taskId, s_unavailableDelay, second.Message);
                throw new DeferMessageException(s_unavailableDelay, $"The state of task {taskName} {taskId} could not be written: {second.Message}");
            }
        }
    }

    private void Skip(string taskName, string taskId, TaskState state)
    {
        switch (state)
        {
            case TaskState.Revoked:
                statistics.AddRevoked();
                TaskLog.Revoked(logger, taskName, taskId, "dropped unrun");
                break;
            case TaskState.Succeeded:
                statistics.AddSkipped();
                TaskLog.AlreadySucceeded(logger, taskName, taskId);
                break;
            default:
                statistics.AddExpired();
                break;
        }
    }

    private static long? ReadNumber(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.Count > 0 && headers.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    // The producer's own headers, without the task- ones Herald uses to carry per-run choices.
    private static IReadOnlyDictionary<string, string> UserHeaders(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.Count == 0 || !headers.Keys.Any(static name => name.StartsWith(TaskHeaders.Prefix, StringComparison.Ordinal)))
        {
            return headers;
        }

        return headers.Where(static pair => !pair.Key.StartsWith(TaskHeaders.Prefix, StringComparison.Ordinal))
            .ToDictionary(static pair => pair.Key, static pair => pair.Value, StringComparer.Ordinal);
    }
}
