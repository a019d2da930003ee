using Herald.Tasks.Scheduling;
using Herald.Tasks.Workers;

namespace Herald.Tasks;

/// <summary>Task queue entry points on <see cref="HeraldClient"/>.</summary>
public static class HeraldTaskExtensions
{
    /// <summary>Creates a client that enqueues tasks and follows them up; make one and share it.</summary>
    /// <exception cref="InvalidOperationException">The bus has no Redis.</exception>
    public static TaskClient CreateTaskClient(this HeraldClient bus, Action<TaskClientOptions>? configure = null)
    {
        var options = new TaskClientOptions();
        configure?.Invoke(options);
        return new TaskClient(bus, options);
    }

    /// <summary>Starts configuring a task worker; register tasks, then <see cref="TaskWorkerBuilder.StartAsync"/>.</summary>
    public static TaskWorkerBuilder CreateTaskWorker(this HeraldClient bus, Action<TaskWorkerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var options = new TaskWorkerOptions();
        configure?.Invoke(options);
        return new TaskWorkerBuilder(bus, options);
    }

    /// <summary>
    /// Starts configuring a periodic task scheduler; add entries (<see cref="PeriodicSchedule"/>), then
    /// <see cref="PeriodicTaskSchedulerBuilder.StartAsync"/>. Any number may run over one Redis: each tick is enqueued once.
    /// </summary>
    public static PeriodicTaskSchedulerBuilder CreateTaskScheduler(this HeraldClient bus, Action<PeriodicTaskSchedulerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var options = new PeriodicTaskSchedulerOptions();
        configure?.Invoke(options);
        return new PeriodicTaskSchedulerBuilder(bus, options);
    }
}
