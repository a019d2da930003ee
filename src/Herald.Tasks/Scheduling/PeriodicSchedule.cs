namespace Herald.Tasks.Scheduling;

/// <summary>
/// One periodic task: a task and its arguments, enqueued at every tick of a cron expression or a fixed interval by a
/// <see cref="PeriodicTaskScheduler"/>. Each tick is enqueued with the task id <c>&lt;name&gt;@&lt;tick in Unix seconds&gt;</c>
/// and a uniqueness window covering the period, so any number of schedulers enqueue it once.
/// </summary>
/// <example>
/// <code>
/// PeriodicSchedule.Cron("nightly-report", Reports.Nightly, new ReportArgs("sales"), "0 3 * * *", TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
/// PeriodicSchedule.Every("refresh-rates", "rates.refresh", new RefreshArgs(), TimeSpan.FromMinutes(5), new TaskOptions { ExpiresAfter = TimeSpan.FromMinutes(5) });
/// </code>
/// </example>
public sealed class PeriodicSchedule
{
    private PeriodicSchedule(string name, string taskName, object? arguments, Type argumentsType, TaskOptions? options, ScheduleTiming timing)
    {
        Keys.KeySchema.ValidateName(name);
        TaskNames.Validate(taskName);
        options ??= new TaskOptions();
        options.Validate();
        if (options.TaskId is not null || options.UniqueFor is not null)
        {
            throw new ArgumentException($"Periodic task '{name}': the scheduler sets TaskId and UniqueFor for every tick; leave them unset.", nameof(options));
        }

        if (options.RunAt is not null || options.ExpiresAt is not null)
        {
            throw new ArgumentException($"Periodic task '{name}': RunAt and ExpiresAt are one instant, not one per tick; use Delay and ExpiresAfter.", nameof(options));
        }

        Name = name;
        TaskName = taskName;
        Arguments = arguments;
        ArgumentsType = argumentsType;
        Options = options;
        Timing = timing;
    }

    /// <summary>The entry's name, unique among a scheduler's entries; it starts the id of every tick's task.</summary>
    public string Name { get; }

    /// <summary>The task to enqueue.</summary>
    public string TaskName { get; }

    /// <summary>The arguments as given; the scheduler enqueues a copy serialised once when it starts.</summary>
    public object? Arguments { get; }

    /// <summary>The declared type of <see cref="Arguments"/>.</summary>
    public Type ArgumentsType { get; }

    /// <summary>The options of every tick's task (queue, priority, delay, expiry, retries, headers).</summary>
    public TaskOptions Options { get; }

    /// <summary>The cron expression, or null for an interval.</summary>
    public string? CronExpression => (Timing as CronTiming)?.Expression;

    /// <summary>The time zone the cron expression is read in (UTC unless given), or null for an interval.</summary>
    public TimeZoneInfo? TimeZone => (Timing as CronTiming)?.Zone;

    /// <summary>The interval, or null for a cron expression.</summary>
    public TimeSpan? Interval => (Timing as IntervalTiming)?.Interval;

    internal ScheduleTiming Timing { get; }

    /// <summary>
    /// Runs <paramref name="task"/> at every time <paramref name="cron"/> matches: 5 fields (minute hour day-of-month month
    /// day-of-week) or 6 (second first), read in <paramref name="timeZone"/> (default UTC). Where daylight saving time
    /// skips a local time, its tick falls on the first instant after the jump; a local time it repeats runs once, the first time.
    /// </summary>
    /// <exception cref="ArgumentException">The name, the expression or an option is invalid.</exception>
    public static PeriodicSchedule Cron<TArgs, TResult>(string name, TaskName<TArgs, TResult> task, TArgs args, string cron, TimeZoneInfo? timeZone = null, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Cron(name, task.Name, args, cron, timeZone, options);
    }

    /// <summary>Runs the task named <paramref name="taskName"/> at every time <paramref name="cron"/> matches (see the typed overload).</summary>
    /// <exception cref="ArgumentException">The name, the expression or an option is invalid.</exception>
    public static PeriodicSchedule Cron<TArgs>(string name, string taskName, TArgs args, string cron, TimeZoneInfo? timeZone = null, TaskOptions? options = null) =>
        new(name, taskName, args, typeof(TArgs), options, new CronTiming(cron, timeZone ?? TimeZoneInfo.Utc));

    /// <summary>
    /// Runs <paramref name="task"/> every <paramref name="interval"/> (whole seconds, at least one), at the multiples of
    /// it since the Unix epoch: every hour on the hour (UTC), every 5 minutes at :00, :05, …
    /// </summary>
    /// <exception cref="ArgumentException">The name or an option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not a whole number of seconds, or shorter than one.</exception>
    public static PeriodicSchedule Every<TArgs, TResult>(string name, TaskName<TArgs, TResult> task, TArgs args, TimeSpan interval, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Every(name, task.Name, args, interval, options);
    }

    /// <summary>Runs the task named <paramref name="taskName"/> every <paramref name="interval"/> (see the typed overload).</summary>
    /// <exception cref="ArgumentException">The name or an option is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not a whole number of seconds, or shorter than one.</exception>
    public static PeriodicSchedule Every<TArgs>(string name, string taskName, TArgs args, TimeSpan interval, TaskOptions? options = null) =>
        new(name, taskName, args, typeof(TArgs), options, new IntervalTiming(interval));

    /// <summary>The first tick strictly after <paramref name="instant"/>, or null when the schedule has none left.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => Timing.NextAfter(instant);

    /// <summary>The id of the task enqueued for <paramref name="tick"/>: <c>&lt;name&gt;@&lt;Unix seconds&gt;</c>.</summary>
    public string TaskIdFor(DateTimeOffset tick) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Name}@{tick.ToUnixTimeSeconds()}");

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {TaskName} {Timing.Description}";
}
