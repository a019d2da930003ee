using Herald.RateLimiting;

namespace Herald.Testing;

/// <summary>
/// Global rate limits in process, on <see cref="GlobalRateLimiter.Time"/>: the same GCRA as Redis's
/// <c>RateLimitAcquire</c> script (an idle limit grants its burst at once, then one permit per emission interval;
/// a caller may reserve a slot up to its maximum wait ahead), for tests without Redis. <see cref="InMemoryTransport"/>
/// keeps one, shared by every client of the transport as a Redis is by every process.
/// </summary>
public sealed class InMemoryRateLimiter : GlobalRateLimiter
{
    // Past this many limits, idle ones are forgotten (as their Redis keys would have expired).
    private const int PruneAbove = 1024;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _arrivals = new(StringComparer.Ordinal);

    /// <summary>Creates a limiter on <paramref name="time"/> (default: the system clock).</summary>
    public InMemoryRateLimiter(TimeProvider? time = null)
        : base(time ?? TimeProvider.System)
    {
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireCoreAsync(string name, RateLimit limit, int permits, TimeSpan? maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Microseconds(Time.GetUtcNow().Ticks);
        var interval = limit.Period.Ticks / (double)TimeSpan.TicksPerMicrosecond / limit.Permits;
        lock (_lock)
        {
            // The theoretical arrival time: when the limit would be idle again; rounded up, as in the script.
            var arrival = Math.Max(_arrivals.GetValueOrDefault(name), now);
            var next = Math.Ceiling(arrival + (permits * interval));
            var wait = Math.Max(Math.Ceiling(next - (limit.Burst * interval) - now), 0);
            if (maxWait is { } accepted && wait > Microseconds(accepted.Ticks))
            {
                return ValueTask.FromResult(RateLimitLease.Deny(TimeSpan.FromMicroseconds(wait)));
            }

            if (_arrivals.Count > PruneAbove)
            {
                foreach (var idle in _arrivals.Where(entry => entry.Value <= now).Select(static entry => entry.Key).ToList())
                {
                    _arrivals.Remove(idle);
                }
            }

            _arrivals[name] = next;
            return ValueTask.FromResult(RateLimitLease.Grant(TimeSpan.FromMicroseconds(wait)));
        }
    }

    private static double Microseconds(long ticks) => Math.Floor(ticks / (double)TimeSpan.TicksPerMicrosecond);
}
