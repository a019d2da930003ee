using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Scheduling;

/// <summary>
/// Enqueues periodic tasks (Celery's beat): each <see cref="PeriodicSchedule"/> at each of its ticks. Run one in as many
/// processes as you like: a tick's task has the id <c>&lt;entry&gt;@&lt;tick in Unix seconds&gt;</c> and is enqueued with a
/// uniqueness window covering the period (<see cref="TaskOptions.UniqueFor"/>), so it reaches its queue exactly once, and a
/// scheduler that dies loses nothing already enqueued. Start one with
/// <see cref="HeraldTaskExtensions.CreateTaskScheduler"/>; dispose it to stop.
/// </summary>
/// <remarks>
/// <para>Catching up: when schedulers were down (or Redis unreachable) across ticks, an entry enqueues only its most recent
/// missed tick, once, when a scheduler runs again; older missed ticks are skipped, not enqueued in a burst. An entry no
/// scheduler has run before starts with its first tick after the start. The last tick of each entry is kept in Redis
/// (<see cref="Keys.KeySchema.PeriodicSchedule"/>), which is how a restarted scheduler knows what it missed.</para>
/// </remarks>
public sealed class PeriodicTaskScheduler : IAsyncDisposable
{
    private static readonly TimeSpan s_minimumWindow = TimeSpan.FromSeconds(1);
    private readonly Entry[] _entries;
    private readonly TaskClient _client;
    private readonly ScheduleStore _store;
    private readonly TimeProvider _time;
    private readonly PeriodicTaskSchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _enqueued;
    private long _duplicates;
    private long _sleeps;
    private int _disposed;

    internal PeriodicTaskScheduler(IReadOnlyList<(PeriodicSchedule Schedule, object? Arguments)> entries, TaskClient client, ScheduleStore store,
        TimeProvider time, PeriodicTaskSchedulerOptions options, ILogger logger)
    {
        _entries = [.. entries.Select(static e => new Entry(e.Schedule, e.Arguments))];
        _client = client;
        _store = store;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>The entries, in the order they were added.</summary>
    public IReadOnlyList<PeriodicSchedule> Schedules => [.. _entries.Select(static e => e.Schedule)];

    /// <summary>Ticks this scheduler put on a queue.</summary>
    public long Enqueued => Interlocked.Read(ref _enqueued);

    /// <summary>Ticks this scheduler found enqueued already, by another scheduler (or by itself before a restart).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    // How often the loop went to sleep: tests wait for it before they move a fake clock, so no tick falls between.
    internal long Sleeps => Interlocked.Read(ref _sleeps);

    /// <summary>Stops enqueueing. Tasks enqueued stay queued; another scheduler carries on with the next ticks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping cancels the sleep or a call in flight; that is the point.
        }

        _stopping.Dispose();
        ScheduleLog.Stopped(_logger);
    }

    // Catches up and announces every entry before returning, so a start that cannot reach Redis fails the caller.
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var lasts = await _store.ReadLastTicksAsync([.. _entries.Select(static e => e.Schedule)], cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _entries.Length; i++)
        {
            _entries[i].Cursor = lasts[i] ?? now;
        }

        await EnqueueDueAsync(now, announce: true, cancellationToken).ConfigureAwait(false);
        ScheduleLog.Started(_logger, _entries.Length, string.Join("; ", _entries.Select(static e => e.Schedule)));
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var wake = await EnqueueDueAsync(now, announce: false, cancellationToken).ConfigureAwait(false);
            var sleep = wake - now;
            if (sleep > _options.MaxSleep)
            {
                sleep = _options.MaxSleep;
            }

            if (sleep > TimeSpan.Zero)
            {
                var delay = Task.Delay(sleep, _time, cancellationToken);
                Interlocked.Increment(ref _sleeps);
                await delay.ConfigureAwait(false);
            }
        }
    }

    // Enqueues each entry's latest tick that is due and not yet enqueued; returns when to look again.
    private async Task<DateTimeOffset> EnqueueDueAsync(DateTimeOffset now, bool announce, CancellationToken cancellationToken)
    {
        var wake = DateTimeOffset.MaxValue;
        foreach (var entry in _entries)
        {
            var timing = entry.Schedule.Timing;
            var due = timing.LatestBetween(entry.Cursor, now);
            try
            {
                if (due is { } tick)
                {
                    if (timing.NextAfter(entry.Cursor) < tick && entry.Cursor < now)
                    {
                        ScheduleLog.CaughtUp(_logger, entry.Schedule.Name, entry.Cursor, tick);
                    }

                    await EnqueueAsync(entry, tick, cancellationToken).ConfigureAwait(false);
                    entry.Cursor = tick;
                }
                else if (announce)
                {
                    await _store.RecordAsync(entry.Schedule, _client.QueueFor(entry.Schedule.TaskName, entry.Schedule.Options), null, null, NextAfter(entry, now), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (announce)
                {
                    throw;
                }

                // The cursor stays, so the tick is tried again soon (unless a later one falls due meanwhile).
                ScheduleLog.EnqueueFailed(_logger, entry.Schedule.Name, due ?? now, _options.RetryDelay, exception);
                wake = Min(wake, now + _options.RetryDelay);
                continue;
            }

            if (NextAfter(entry, now) is { } next)
            {
                wake = Min(wake, next);
            }
        }

        return wake;
    }

    private async Task EnqueueAsync(Entry entry, DateTimeOffset tick, CancellationToken cancellationToken)
    {
        var schedule = entry.Schedule;
        var next = schedule.Timing.NextAfter(tick);

        // Any scheduler still at this tick (its clock behind, or it just restarted) finds it enqueued within the window.
        var window = (next is { } following ? following - tick : TimeSpan.Zero) + _options.ClockSkewTolerance;
        var taskId = schedule.TaskIdFor(tick);
        var options = schedule.Options with { TaskId = taskId, UniqueFor = window > s_minimumWindow ? window : s_minimumWindow };
        var handle = await _client.EnqueueAsync(schedule.TaskName, entry.Arguments, options, cancellationToken).ConfigureAwait(false);
        if (handle.Duplicate)
        {
            Interlocked.Increment(ref _duplicates);
            ScheduleLog.Duplicate(_logger, schedule.Name, tick);
        }
        else
        {
            Interlocked.Increment(ref _enqueued);
            ScheduleLog.Enqueued(_logger, schedule.Name, schedule.TaskName, taskId, handle.Queue, tick);
        }

        await _store.RecordAsync(schedule, handle.Queue, tick, taskId, next, cancellationToken).ConfigureAwait(false);
    }

    private static DateTimeOffset? NextAfter(Entry entry, DateTimeOffset now) =>
        entry.Schedule.Timing.NextAfter(entry.Cursor > now ? entry.Cursor : now);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed class Entry(PeriodicSchedule schedule, object? arguments)
    {
        public PeriodicSchedule Schedule { get; } = schedule;

        public object? Arguments { get; } = arguments;

        // The latest tick this scheduler enqueued (or found enqueued), or where it started: ticks after it are due.
        public DateTimeOffset Cursor { get; set; }
    }
}
