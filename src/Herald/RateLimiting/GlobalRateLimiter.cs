namespace Herald.RateLimiting;

/// <summary>
/// Named rate limits shared by every worker that uses the same store: unlike a per-process limiter (or Celery's
/// per-worker <c>rate_limit</c>), <c>10/s</c> means ten a second across all processes together. Limits are
/// enforced with GCRA: permits are spaced one <see cref="RateLimit.EmissionInterval"/> apart, a caller may
/// reserve a slot up to a maximum wait ahead, and no state is kept for a limit once it is idle.
/// </summary>
/// <remarks>
/// <see cref="RedisRateLimiter"/> keeps limits in Redis for every process of an application; the in-memory
/// transport of Herald.Testing has an in-process equivalent. A limit is identified by its name alone: callers
/// that pass the same name with different <see cref="RateLimit"/>s share one schedule, each spacing its own
/// permits by its own rate.
/// </remarks>
public abstract class GlobalRateLimiter
{
    /// <summary>Creates a limiter that waits on <paramref name="time"/>.</summary>
    protected GlobalRateLimiter(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The clock <see cref="WaitAsync"/> waits on.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// Takes <paramref name="permits"/> from limit <paramref name="name"/>. Granted when they are free within
    /// <paramref name="maxWait"/>: the slot is then reserved and <see cref="RateLimitLease.Wait"/> says how long to
    /// wait before using it. Otherwise nothing is reserved and <see cref="RateLimitLease.RetryAfter"/> says when
    /// the permits would be free.
    /// </summary>
    /// <param name="name">The limit's name: any non-empty text (a task name, say); every caller of the name shares the limit.</param>
    /// <param name="limit">The rate.</param>
    /// <param name="permits">Permits to take at once; more than <see cref="RateLimit.Burst"/> always means a wait.</param>
    /// <param name="maxWait">The longest reservation accepted; zero (the default) grants only permits free now,
    /// <see cref="Timeout.InfiniteTimeSpan"/> grants always.</param>
    /// <param name="cancellationToken">Cancels the call; a reservation already made stays spent.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permits"/> is below 1 or <paramref name="maxWait"/> is negative.</exception>
    public ValueTask<RateLimitLease> AcquireAsync(string name, RateLimit limit, int permits = 1, TimeSpan maxWait = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentOutOfRangeException.ThrowIfLessThan(permits, 1);
        if (maxWait != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        }

        return AcquireCoreAsync(name, limit, permits, maxWait == Timeout.InfiniteTimeSpan ? null : maxWait, cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="permits"/> as <see cref="AcquireAsync"/> does and waits out the reserved slot, so the
    /// caller may act as soon as this returns true. Returns false, having waited for nothing, when the permits are
    /// not free within <paramref name="maxWait"/>.
    /// </summary>
    /// <param name="name">The limit's name.</param>
    /// <param name="limit">The rate.</param>
    /// <param name="permits">Permits to take at once.</param>
    /// <param name="maxWait">The longest wait accepted; null (the default) waits as long as the limit requires.</param>
    /// <param name="cancellationToken">Cancels the call and the wait; a slot already reserved stays spent.</param>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public async ValueTask<bool> WaitAsync(string name, RateLimit limit, int permits = 1, TimeSpan? maxWait = null, CancellationToken cancellationToken = default)
    {
        var lease = await AcquireAsync(name, limit, permits, maxWait ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        if (!lease.Granted)
        {
            return false;
        }

        if (lease.Wait > TimeSpan.Zero)
        {
            await Task.Delay(lease.Wait, Time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// For handlers and middleware: waits out a slot reserved within <paramref name="maxWait"/>, or, when none is
    /// free that soon, throws <see cref="Consuming.DeferMessageException"/> so the message goes back to Redis without
    /// spending an attempt. Its return is spread over one more <paramref name="maxWait"/> past the moment the permits
    /// free up: deferred messages would otherwise all come back at that instant and mostly be deferred again, while
    /// spread over the span in which a returning message can still reserve a slot, they find slots in turn.
    /// </summary>
    /// <param name="name">The limit's name.</param>
    /// <param name="limit">The rate.</param>
    /// <param name="permits">Permits to take at once.</param>
    /// <param name="maxWait">The longest wait accepted before deferring.</param>
    /// <param name="cancellationToken">Cancels the call and the wait; a slot already reserved stays spent.</param>
    /// <exception cref="Consuming.DeferMessageException">No permit is free within <paramref name="maxWait"/>.</exception>
    public async ValueTask WaitOrDeferAsync(string name, RateLimit limit, int permits, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var lease = await AcquireAsync(name, limit, permits, maxWait, cancellationToken).ConfigureAwait(false);
        if (!lease.Granted)
        {
            throw new Consuming.DeferMessageException(lease.RetryAfter + (maxWait * Random.Shared.NextDouble()),
                $"Rate limit {limit} of {name} has no permit free within {maxWait.TotalMilliseconds:F0} ms.");
        }

        if (lease.Wait > TimeSpan.Zero)
        {
            await Task.Delay(lease.Wait, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes the permits; arguments are already checked. <paramref name="maxWait"/> null means no bound.</summary>
    protected abstract ValueTask<RateLimitLease> AcquireCoreAsync(string name, RateLimit limit, int permits, TimeSpan? maxWait, CancellationToken cancellationToken);
}
