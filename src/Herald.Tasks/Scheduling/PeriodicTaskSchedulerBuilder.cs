namespace Herald.Tasks.Scheduling;

/// <summary>Configures a periodic task scheduler: its options and entries, then <see cref="StartAsync"/>.</summary>
public sealed class PeriodicTaskSchedulerBuilder
{
    private readonly HeraldClient _bus;
    private readonly List<PeriodicSchedule> _schedules = [];

    internal PeriodicTaskSchedulerBuilder(HeraldClient bus, PeriodicTaskSchedulerOptions options)
    {
        _bus = bus;
        Options = options;
    }

    /// <summary>The options of the scheduler being built.</summary>
    public PeriodicTaskSchedulerOptions Options { get; }

    /// <summary>Adds an entry.</summary>
    /// <exception cref="ArgumentException">An entry of that name was added already.</exception>
    public PeriodicTaskSchedulerBuilder Add(PeriodicSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (_schedules.Exists(s => string.Equals(s.Name, schedule.Name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"A periodic task named '{schedule.Name}' was added already; entry names are unique.", nameof(schedule));
        }

        _schedules.Add(schedule);
        return this;
    }

    /// <summary>
    /// Validates the options, serialises each entry's arguments once (with the bus's codecs: a type that cannot be sent fails
    /// here, and later changes to the object given do not reach the ticks), enqueues the latest missed tick of entries that
    /// ran before (see <see cref="PeriodicTaskScheduler"/>), and starts enqueueing each tick as it falls due.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No entry was added, or the bus has no Redis.</exception>
    public async Task<PeriodicTaskScheduler> StartAsync(CancellationToken cancellationToken = default)
    {
        Options.Validate();
        if (_schedules.Count == 0)
        {
            throw new InvalidOperationException("Add at least one periodic task before starting a scheduler.");
        }

        var client = new TaskClient(_bus, Options.Client);
        var store = new ScheduleStore(TaskClient.RequireRedis(_bus), _bus.Keys);
        var logger = (_bus.Options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Herald.Tasks.Scheduling");
        var entries = _schedules.Select(schedule => (schedule, Snapshot(schedule))).ToList();
        var scheduler = new PeriodicTaskScheduler(entries, client, store, Options.TimeProvider ?? _bus.Options.TimeProvider, Options, logger);
        try
        {
            await scheduler.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await scheduler.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return scheduler;
    }

    // Through the codec and back: what every tick sends is fixed now, and a type the bus cannot send fails at start.
    // Each tick still encodes its own body, because encryption binds the body to the message id, which differs per tick.
    private object? Snapshot(PeriodicSchedule schedule)
    {
        const string probeId = "periodic-arguments";
        try
        {
            var body = _bus.Codec.Encode(schedule.Arguments, schedule.Arguments?.GetType() ?? schedule.ArgumentsType, probeId);
            var envelope = new Messages.MessageEnvelope
            {
                Id = probeId,
                DataContentType = body.ContentType,
                ContentEncoding = body.ContentEncoding,
                KeyId = body.KeyId,
                Data = body.Data,
            };
            return _bus.Codec.Decode(envelope, schedule.Arguments?.GetType() ?? schedule.ArgumentsType);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new ArgumentException($"The arguments of periodic task '{schedule.Name}' cannot be sent as a {schedule.ArgumentsType.Name}: {exception.Message}", nameof(schedule), exception);
        }
    }
}
