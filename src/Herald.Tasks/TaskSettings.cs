namespace Herald.Tasks;

/// <summary>How a worker runs one task: retries, backoff, timeout and what it keeps of the result.</summary>
public sealed class TaskSettings
{
    /// <summary>Retries after the first attempt before the task fails for good. Default 3; 0 never retries.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry; each later one doubles it, up to <see cref="MaxRetryDelay"/>. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries. Default 10 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Waits a random part (half to all) of each backoff, so tasks that failed together (an outage) do not all
    /// come back at the same instant. Default true.
    /// </summary>
    public bool RetryJitter { get; set; } = true;

    /// <summary>
    /// How long one run may take. At the deadline the task's token is cancelled and the run fails with a
    /// timeout even if the task ignores its token (it is then abandoned, not waited for). Default 30 minutes;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for none.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the task's state and result are kept after it finishes. Default 24 hours.</summary>
    public TimeSpan ResultTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Keeps the state but not the returned value (for tasks whose result nobody reads). Default false.</summary>
    public bool IgnoreResult { get; set; }

    /// <summary>
    /// Decides which errors are worth a retry (Celery's <c>autoretry_for</c>); null, the default, retries every
    /// error. A task can always ask for a retry with <see cref="TaskContext.Retry"/>.
    /// </summary>
    public Func<Exception, bool>? RetryOn { get; set; }

    /// <summary>
    /// A global rate limit on runs of this task, shared by every worker on the Redis and key prefix (Celery's
    /// <c>rate_limit</c> is per worker): <c>RateLimit.Parse("10/m")</c>. A run whose permit is due within 2 s waits
    /// for it; a later one goes back to its queue until then, without spending an attempt. Default none.
    /// </summary>
    public Herald.RateLimiting.RateLimit? RateLimit { get; set; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay, nameof(MaxRetryDelay));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ResultTtl, TimeSpan.Zero, nameof(ResultTtl));
    }

    /// <summary>The backoff before the retry that follows failed attempt <paramref name="attempt"/> (1 for the first).</summary>
    public TimeSpan DelayFor(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min(RetryDelay.Ticks * Math.Pow(2, exponent), MaxRetryDelay.Ticks);
        if (RetryJitter)
        {
            ticks *= 0.5 + (Random.Shared.NextDouble() * 0.5);
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    internal TaskSettings Clone() => (TaskSettings)MemberwiseClone();
}
