using Herald.Consuming;

namespace Herald.Tasks.Workers;

/// <summary>How a task worker consumes: its queues, concurrency and prefetch.</summary>
public sealed class TaskWorkerOptions
{
    /// <summary>The queues to take tasks from. Default <c>default</c>.</summary>
    public IList<string> Queues { get; } = ["default"];

    /// <summary>Tasks run at once, per queue. Default twice the processor count.</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// Tasks taken ahead of a free slot, per queue; 0 (the default) takes one per slot, so a long task never
    /// holds others back on a busy worker while idle workers wait (Celery's prefetch multiplier of 1).
    /// Raise it for many short tasks.
    /// </summary>
    public int Prefetch { get; set; }

    /// <summary>How long stopping waits for running tasks before it cancels them and hands their messages back. Default 30 seconds.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adjusts the underlying consumers' options (block time, visibility timeout, …) after the worker set its own.</summary>
    public Action<ConsumerOptions>? ConfigureConsumer { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (Queues.Count == 0)
        {
            throw new ArgumentException("A task worker needs at least one queue.", nameof(Queues));
        }

        foreach (var queue in Queues)
        {
            Keys.KeySchema.ValidateName(queue);
        }

        if (Queues.Distinct(StringComparer.Ordinal).Count() != Queues.Count)
        {
            throw new ArgumentException("A queue is listed twice.", nameof(Queues));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfNegative(Prefetch, nameof(Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThan(StopTimeout, TimeSpan.Zero, nameof(StopTimeout));
    }
}

/// <summary>Counts of what a task worker did since it started.</summary>
public sealed class TaskWorkerStatistics
{
    private long _succeeded;
    private long _failed;
    private long _retried;
    private long _revoked;
    private long _expired;
    private long _skipped;
    private long _running;

    /// <summary>Runs that succeeded.</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>Tasks that failed for good.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Failed runs followed by a scheduled retry.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Tasks dropped or stopped because they were revoked.</summary>
    public long Revoked => Interlocked.Read(ref _revoked);

    /// <summary>Tasks dropped unrun because they expired.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Deliveries of tasks that had already succeeded (a lost acknowledgement), dropped unrun.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Tasks running now.</summary>
    public long Running => Interlocked.Read(ref _running);

    internal void AddSucceeded() => Interlocked.Increment(ref _succeeded);

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    internal void AddRetried() => Interlocked.Increment(ref _retried);

    internal void AddRevoked() => Interlocked.Increment(ref _revoked);

    internal void AddExpired() => Interlocked.Increment(ref _expired);

    internal void AddSkipped() => Interlocked.Increment(ref _skipped);

    internal void Enter() => Interlocked.Increment(ref _running);

    internal void Leave() => Interlocked.Decrement(ref _running);
}
