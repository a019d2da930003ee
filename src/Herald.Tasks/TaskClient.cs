using System.Globalization;
using Herald.Messages;
using Herald.Redis;
using Herald.Tasks.State;

namespace Herald.Tasks;

/// <summary>
/// Enqueues tasks and follows them up: state, results, revocation. Thread-safe; make one per
/// <see cref="HeraldClient"/> and share it. A task is a message on a reliable queue whose type is the task
/// name and whose body is its arguments, so everything the bus does for queues (delays, priorities,
/// dead letters, the inspector, <c>herald</c>) applies to tasks too.
/// </summary>
public sealed class TaskClient
{
    // Re-read the state this often while waiting, in case the announcement was lost with a Pub/Sub reconnect.
    private static readonly TimeSpan s_recheckInterval = TimeSpan.FromSeconds(2);
    private readonly HeraldClient _bus;
    private readonly RedisClient _redis;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over <paramref name="bus"/>.</summary>
    /// <exception cref="InvalidOperationException">The bus has no Redis (the in-memory transport): task state lives in Redis.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public TaskClient(HeraldClient bus, TaskClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        Options = options ?? new TaskClientOptions();
        Options.Validate();
        _bus = bus;
        _redis = RequireRedis(bus);
        _time = bus.Options.TimeProvider;
        Store = new TaskStateStore(_redis, bus.Keys, _time);
    }

    /// <summary>The options.</summary>
    public TaskClientOptions Options { get; }

    internal TaskStateStore Store { get; }

    /// <summary>Enqueues a run of <paramref name="task"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public async ValueTask<TaskHandle<TResult>> EnqueueAsync<TArgs, TResult>(TaskName<TArgs, TResult> task, TArgs args, TaskOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (queue, publish) = Prepare(task.Name, options);
        var published = await _bus.PublishAsync(Destination.Queue(queue), args, publish, cancellationToken).ConfigureAwait(false);
        return new TaskHandle<TResult>(this, published.MessageId, task.Name, queue, published.Duplicate);
    }

    /// <summary>Enqueues a run of the task named <paramref name="taskName"/>.</summary>
    /// <exception cref="ArgumentException">The name or an option is invalid.</exception>
    public async ValueTask<TaskHandle> EnqueueAsync<TArgs>(string taskName, TArgs args, TaskOptions? options = null, CancellationToken cancellationToken = default)
    {
        TaskNames.Validate(taskName);
        var (queue, publish) = Prepare(taskName, options);
        var published = await _bus.PublishAsync(Destination.Queue(queue), args, publish, cancellationToken).ConfigureAwait(false);
        return new TaskHandle(this, published.MessageId, taskName, queue, published.Duplicate);
    }

    /// <summary>Enqueues many runs of one task in one round trip; they share <paramref name="options"/>, which must not set a task id.</summary>
    /// <exception cref="ArgumentException">The name or an option is invalid, or the options set a task id.</exception>
    public async ValueTask<IReadOnlyList<TaskHandle>> EnqueueManyAsync<TArgs>(string taskName, IReadOnlyList<TArgs> args, TaskOptions? options = null, CancellationToken cancellationToken = default)
    {
        TaskNames.Validate(taskName);
        ArgumentNullException.ThrowIfNull(args);
        if (options?.TaskId is not null)
        {
            throw new ArgumentException("One task id cannot serve many tasks; leave TaskId unset.", nameof(options));
        }

        var (queue, publish) = Prepare(taskName, options);
        var messages = new OutgoingMessage<TArgs>[args.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = new OutgoingMessage<TArgs>(args[i], publish);
        }

        var published = await _bus.PublishBatchAsync(Destination.Queue(queue), messages, cancellationToken).ConfigureAwait(false);
        return [.. published.Select(result => new TaskHandle(this, result.MessageId, taskName, queue))];
    }

    /// <summary>Reads a task's state. An id Redis has no state of reads as <see cref="TaskState.Pending"/>, not <see cref="TaskInfo.Known"/>.</summary>
    public ValueTask<TaskInfo> GetInfoAsync(string taskId, CancellationToken cancellationToken = default) =>
        Store.ReadAsync(taskId, cancellationToken);

    /// <summary>
    /// Waits until the task is over (its final state is announced on Pub/Sub) and returns that state. Reads that fail
    /// because Redis is out of reach (a restart, a dropped connection) are made again until the timeout.
    /// </summary>
    /// <exception cref="TimeoutException">It was not over within <paramref name="timeout"/>.</exception>
    public async ValueTask<TaskInfo> WaitAsync(string taskId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        await using var announcements = await _redis.Subscriber.SubscribeAsync(_bus.Keys.TaskDone(taskId), cancellationToken).ConfigureAwait(false);
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            // Subscribed first, read second: an announcement made between the two is still heard.
            TaskInfo? info = null;
            Exception? unavailable = null;
            try
            {
                info = await Store.ReadAsync(taskId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (RedisFaults.IsUnavailable(error))
            {
                // Redis is restarting or out of reach: the subscription reconnects by itself, so wait on and read again.
                unavailable = error;
            }

            if (info is { } known && known.State.IsFinal())
            {
                return known;
            }

            var left = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                var state = info is null ? $"its state could not be read: {unavailable!.Message}" : $"it is {info.State.ToWire()}";
                throw new TimeoutException($"Task {taskId} was not over within {timeout.TotalMilliseconds:F0} ms; {state}.", unavailable);
            }

            using var slice = new CancellationTokenSource(left < s_recheckInterval ? left : s_recheckInterval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(slice.Token, cancellationToken);
            try
            {
                await announcements.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The slice ended: read the state again.
            }
        }
    }

    /// <summary>Waits for the task and returns its result, decoded by the bus's codec pipeline.</summary>
    /// <exception cref="TimeoutException">It was not over within <paramref name="timeout"/>.</exception>
    /// <exception cref="TaskFailedException">It failed, was revoked or expired.</exception>
    /// <exception cref="InvalidOperationException">It succeeded but kept no result (a task without one, or with <see cref="TaskSettings.IgnoreResult"/>).</exception>
    public async ValueTask<TResult> GetResultAsync<TResult>(string taskId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ReadResult<TResult>(await WaitAsync(taskId, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The result of a task already read (<see cref="GetInfoAsync"/>, <see cref="WaitAsync"/>), decoded by the bus's
    /// codec pipeline without another round trip.
    /// </summary>
    /// <exception cref="TaskFailedException">The task failed, was revoked or expired.</exception>
    /// <exception cref="InvalidOperationException">It has not finished, or succeeded but kept no result (a task without one, or with <see cref="TaskSettings.IgnoreResult"/>).</exception>
    public TResult ReadResult<TResult>(TaskInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!info.State.IsFinal())
        {
            throw new InvalidOperationException($"Task {info.TaskId} is {info.State.ToWire()}: it has no result yet.");
        }

        if (info.State != TaskState.Succeeded)
        {
            throw new TaskFailedException(info);
        }

        if (info.Result is not { } body)
        {
            throw new InvalidOperationException($"Task {info.TaskId} succeeded but kept no result: it returns none, or its worker ignores results.");
        }

        var envelope = new MessageEnvelope
        {
            Id = info.TaskId,
            DataContentType = body.ContentType,
            ContentEncoding = body.ContentEncoding,
            KeyId = body.KeyId,
            Data = body.Data,
        };
        return (TResult)_bus.Codec.Decode(envelope, typeof(TResult))!;
    }

    /// <summary>
    /// Revokes a task: a worker that receives it later drops it unrun, and a retry is not scheduled again. With
    /// <paramref name="terminate"/>, a worker running it now cancels its token and stops waiting for it.
    /// Revocations are remembered for <see cref="TaskClientOptions.RevocationTtl"/>.
    /// </summary>
    /// <returns>True when the task was revoked; false when it was already over.</returns>
    public async ValueTask<bool> RevokeAsync(string taskId, bool terminate = false, CancellationToken cancellationToken = default)
    {
        var (previous, known) = await Store.RevokeAsync(taskId, Options.RevocationTtl, "revoked", cancellationToken).ConfigureAwait(false);
        if (known && previous.IsFinal())
        {
            return false;
        }

        if (terminate && previous == TaskState.Started)
        {
            await _redis.ExecuteAsync(new RedisCommand("PUBLISH", _bus.Keys.TaskControl(), TaskControl.Terminate(taskId)),
                RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Reads what Redis records of every periodic task entry a <see cref="Scheduling.PeriodicTaskScheduler"/> has run: its
    /// task, queue and schedule, the last tick enqueued and the next one due. Ordered by name.
    /// </summary>
    public ValueTask<IReadOnlyList<Scheduling.PeriodicScheduleInfo>> ListSchedulesAsync(CancellationToken cancellationToken = default) =>
        new Scheduling.ScheduleStore(_redis, _bus.Keys).ListAsync(cancellationToken);

    /// <summary>The queue a task goes to: its options' queue, else the first matching route, else the default queue.</summary>
    internal string QueueFor(string taskName, TaskOptions? options) =>
        options?.Queue ?? Options.Routes.Resolve(taskName) ?? Options.DefaultQueue;

    internal static RedisClient RequireRedis(HeraldClient bus) => bus.Redis
        ?? throw new InvalidOperationException("Herald tasks keep their state in Redis; this client has none (it runs on the in-memory transport).");

    private (string Queue, PublishOptions Publish) Prepare(string taskName, TaskOptions? options)
    {
        options?.Validate();
        var queue = QueueFor(taskName, options);
        var now = _time.GetUtcNow();
        TimeSpan? delay = options?.RunAt is { } runAt ? runAt - now : options?.Delay;
        var expires = options?.ExpiresAt ?? (options?.ExpiresAfter is { } after ? now + after : null);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options?.Headers is { } user)
        {
            foreach (var (name, value) in user)
            {
                if (name.StartsWith(TaskHeaders.Prefix, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Header '{name}' uses the prefix '{TaskHeaders.Prefix}', which is reserved for Herald's task headers.", nameof(options));
                }

                headers[name] = value;
            }
        }

        if (expires is { } expiry)
        {
            headers[TaskHeaders.Expires] = expiry.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        if (options?.MaxRetries is { } retries)
        {
            headers[TaskHeaders.MaxRetries] = retries.ToString(CultureInfo.InvariantCulture);
        }

        if (options?.Timeout is { } timeout)
        {
            var milliseconds = timeout == Timeout.InfiniteTimeSpan ? -1 : (long)Math.Ceiling(timeout.TotalMilliseconds);
            headers[TaskHeaders.Timeout] = milliseconds.ToString(CultureInfo.InvariantCulture);
        }

        var publish = new PublishOptions
        {
            Id = options?.TaskId,
            Type = taskName,
            Headers = headers.Count == 0 ? null : headers,
            Delay = delay > TimeSpan.Zero ? delay : null,
            Priority = options?.Priority ?? 0,
            UniqueFor = options?.UniqueFor,
        };
        return (queue, publish);
    }
}

/// <summary>The messages of the task control channel (<see cref="Keys.KeySchema.TaskControl"/>).</summary>
internal static class TaskControl
{
    private const string TerminatePrefix = "terminate ";

    public static string Terminate(string taskId) => TerminatePrefix + taskId;

    public static bool TryReadTerminate(string message, out string taskId)
    {
        if (message.StartsWith(TerminatePrefix, StringComparison.Ordinal))
        {
            taskId = message[TerminatePrefix.Length..];
            return true;
        }

        taskId = string.Empty;
        return false;
    }
}
