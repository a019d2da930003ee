namespace Herald.TestKit;

/// <summary>A clock that moves only when told to (<see cref="Advance"/>), firing the timers that fall due.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<Timer> _timers = [];
    private readonly DateTimeOffset _start;
    private long _ticks;

    /// <summary>Starts the clock at <paramref name="start"/> (default 2030-01-01 00:00 UTC).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _start = start ?? new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _start.AddTicks(_ticks);
        }
    }

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward and runs every timer callback that fell due, on this thread.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var due = new List<Timer>();
        lock (_lock)
        {
            _ticks += by.Ticks;
            foreach (var timer in _timers.ToList())
            {
                while (timer.Due is { } at && at <= _ticks)
                {
                    due.Add(timer);
                    timer.Due = timer.Period > 0 ? at + timer.Period : null;
                }

                if (timer.Due is null)
                {
                    _timers.Remove(timer);
                }
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class Timer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }

        public long Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._ticks + dueTime.Ticks;
                if (Due is null)
                {
                    return true;
                }

                if (dueTime > TimeSpan.Zero)
                {
                    owner._timers.Add(this);
                    return true;
                }

                Due = Period > 0 ? owner._ticks + Period : null;
                if (Due is not null)
                {
                    owner._timers.Add(this);
                }
            }

            // Due now: as a real timer, fire at once, elsewhere.
            ThreadPool.QueueUserWorkItem(static t => t.Fire(), this, preferLocal: false);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                Due = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
