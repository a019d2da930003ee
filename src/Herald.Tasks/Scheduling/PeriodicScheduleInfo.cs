namespace Herald.Tasks.Scheduling;

/// <summary>What Redis records of one periodic task entry (<see cref="Keys.KeySchema.PeriodicSchedule"/>), for operators.</summary>
public sealed record PeriodicScheduleInfo
{
    /// <summary>The entry's name.</summary>
    public required string Name { get; init; }

    /// <summary>The task it enqueues.</summary>
    public string? TaskName { get; init; }

    /// <summary>The queue it enqueues on.</summary>
    public string? Queue { get; init; }

    /// <summary>The schedule as text: <c>cron &lt;expression&gt; [&lt;zone&gt;]</c> or <c>every &lt;interval&gt;</c>.</summary>
    public string? Schedule { get; init; }

    /// <summary>The last tick enqueued, or null before the first.</summary>
    public DateTimeOffset? LastTick { get; init; }

    /// <summary>The task id of the last tick enqueued.</summary>
    public string? LastTaskId { get; init; }

    /// <summary>The next tick due, as the scheduler that last wrote it computed it.</summary>
    public DateTimeOffset? NextTick { get; init; }
}
