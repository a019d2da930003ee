namespace Herald.Tasks;

/// <summary>Choices for one enqueued task. Every property is optional.</summary>
public sealed record TaskOptions
{
    /// <summary>
    /// The task id (default: a new sortable unique id). A stable id makes enqueueing idempotent at run time: a
    /// task whose id already succeeded, was revoked or expired is not run again. Same character rules as a queue name.
    /// </summary>
    public string? TaskId { get; init; }

    /// <summary>The queue (default: the first matching route of <see cref="TaskClientOptions.Routes"/>, else <see cref="TaskClientOptions.DefaultQueue"/>).</summary>
    public string? Queue { get; init; }

    /// <summary>Run no sooner than after this delay. Not together with <see cref="RunAt"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Run no sooner than this time. Not together with <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Drop the task, unrun, if no worker starts it within this time of enqueueing. Not together with <see cref="ExpiresAt"/>.</summary>
    public TimeSpan? ExpiresAfter { get; init; }

    /// <summary>Drop the task, unrun, if no worker starts it by this time. Not together with <see cref="ExpiresAfter"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The queue's priority level (0, the default, is the highest; see <c>QueueOptions.Priorities</c>).</summary>
    public int Priority { get; init; }

    /// <summary>Overrides the task's <see cref="TaskSettings.MaxRetries"/> for this run.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>Overrides the task's <see cref="TaskSettings.Timeout"/> for this run.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>User headers, available to the task as <see cref="TaskContext.Headers"/>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// With a <see cref="TaskId"/>: enqueue unless a task with that id was enqueued on the queue within this window; a
    /// duplicate is dropped and reported by <see cref="TaskHandle.Duplicate"/>. Atomic in Redis, so any number of producers
    /// racing with one id enqueue it once (see <see cref="PublishOptions.UniqueFor"/>).
    /// </summary>
    public TimeSpan? UniqueFor { get; init; }

    /// <summary>Checks the options against each other.</summary>
    /// <exception cref="ArgumentException">Two options contradict each other, or a value is out of range.</exception>
    public void Validate()
    {
        if (Delay is not null && RunAt is not null)
        {
            throw new ArgumentException("Set Delay or RunAt, not both.");
        }

        if (ExpiresAfter is not null && ExpiresAt is not null)
        {
            throw new ArgumentException("Set ExpiresAfter or ExpiresAt, not both.");
        }

        if (Delay is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(Delay));
        }

        if (ExpiresAfter is { } expires)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expires, TimeSpan.Zero, nameof(ExpiresAfter));
        }

        if (MaxRetries is { } retries)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(retries, nameof(MaxRetries));
        }

        if (Timeout is { } timeout && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(Timeout));
        }

        if (UniqueFor is { } window)
        {
            if (TaskId is null)
            {
                throw new ArgumentException("UniqueFor needs a TaskId: a task is unique by its id.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero, nameof(UniqueFor));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Priority, nameof(Priority));
        if (TaskId is not null)
        {
            Keys.KeySchema.ValidateName(TaskId);
        }
    }
}

/// <summary>What a task client does by default: the queue, routes by task name, and how long revocations last.</summary>
public sealed class TaskClientOptions
{
    /// <summary>The queue of tasks no route matches. Default <c>default</c>.</summary>
    public string DefaultQueue { get; set; } = "default";

    /// <summary>Routes from task names to queues, tried in order (Celery's <c>task_routes</c>).</summary>
    public TaskRoutes Routes { get; } = new();

    /// <summary>How long a revocation is remembered: a revoked task still queued after this runs. Default 24 hours.</summary>
    public TimeSpan RevocationTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        Keys.KeySchema.ValidateName(DefaultQueue);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RevocationTtl, TimeSpan.Zero, nameof(RevocationTtl));
    }
}

/// <summary>
/// Routes tasks to queues by name: an exact name, or a pattern ending in <c>*</c> that matches every name
/// starting with what comes before it (<c>images.*</c>). The first route added that matches wins.
/// </summary>
public sealed class TaskRoutes
{
    private readonly List<(string Pattern, string Queue)> _routes = [];

    /// <summary>How many routes there are.</summary>
    public int Count => _routes.Count;

    /// <summary>Sends tasks whose name matches <paramref name="pattern"/> to <paramref name="queue"/>.</summary>
    /// <exception cref="ArgumentException">The pattern is empty, or has <c>*</c> anywhere but at its end; or the queue name is invalid.</exception>
    public TaskRoutes Add(string pattern, string queue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && star != pattern.Length - 1)
        {
            throw new ArgumentException($"Route pattern '{pattern}' may only end in '*'.", nameof(pattern));
        }

        Keys.KeySchema.ValidateName(queue);
        _routes.Add((pattern, queue));
        return this;
    }

    /// <summary>The queue of the first route matching <paramref name="taskName"/>, or null.</summary>
    public string? Resolve(string taskName)
    {
        foreach (var (pattern, queue) in _routes)
        {
            var matches = pattern.EndsWith('*')
                ? taskName.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(taskName, pattern, StringComparison.Ordinal);
            if (matches)
            {
                return queue;
            }
        }

        return null;
    }
}
