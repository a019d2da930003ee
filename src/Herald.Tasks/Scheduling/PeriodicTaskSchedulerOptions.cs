namespace Herald.Tasks.Scheduling;

/// <summary>How a <see cref="PeriodicTaskScheduler"/> enqueues; every setting has a documented default.</summary>
public sealed class PeriodicTaskSchedulerOptions
{
    /// <summary>The task client's options: routes and the default queue for entries whose options name no queue.</summary>
    public TaskClientOptions Client { get; } = new();

    /// <summary>The clock the schedule is read on. Default: the bus's <see cref="HeraldOptions.TimeProvider"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// How far the clocks of schedulers in different processes may disagree. Each tick's uniqueness window is its period
    /// plus this, so a scheduler whose clock lags still finds the tick enqueued by one whose clock runs ahead. Default 1 minute.
    /// </summary>
    public TimeSpan ClockSkewTolerance { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How soon a tick that could not be enqueued (Redis unreachable) is tried again. Default 5 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest the scheduler sleeps before it reads the clock again, even when no tick is due sooner, so that a clock
    /// set forward or a long sleep of the machine is noticed. Default 1 minute.
    /// </summary>
    public TimeSpan MaxSleep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        Client.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(ClockSkewTolerance, TimeSpan.Zero, nameof(ClockSkewTolerance));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxSleep, TimeSpan.Zero, nameof(MaxSleep));
    }
}
