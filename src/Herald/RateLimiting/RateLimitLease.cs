namespace Herald.RateLimiting;

/// <summary>
/// The answer of <see cref="GlobalRateLimiter.AcquireAsync"/>: the permits were granted, to be used after
/// <see cref="Wait"/> (their reserved slot), or denied, with <see cref="RetryAfter"/> telling when they would be free.
/// </summary>
public readonly record struct RateLimitLease
{
    private RateLimitLease(bool granted, TimeSpan wait, TimeSpan retryAfter)
    {
        Granted = granted;
        Wait = wait;
        RetryAfter = retryAfter;
    }

    /// <summary>True when the permits are the caller's; false when nothing was reserved.</summary>
    public bool Granted { get; }

    /// <summary>
    /// When granted: how long the caller must wait before using its permits (zero when they may be used now).
    /// The slot is reserved whether or not the caller waits for it, so a caller that gives up still spent it.
    /// Zero when denied.
    /// </summary>
    public TimeSpan Wait { get; }

    /// <summary>When denied: how long until the permits could be granted without waiting (positive). Zero when granted.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>A grant whose permits may be used after <paramref name="wait"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wait"/> is negative.</exception>
    public static RateLimitLease Grant(TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        return new RateLimitLease(granted: true, wait, TimeSpan.Zero);
    }

    /// <summary>A denial whose permits would be free after <paramref name="retryAfter"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is not positive.</exception>
    public static RateLimitLease Deny(TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        return new RateLimitLease(granted: false, TimeSpan.Zero, retryAfter);
    }
}
