using System.Runtime.CompilerServices;
using Herald.Redis.Commands;
using Herald.Tasks.Scheduling;
using Herald.TestKit;

namespace Herald.Tasks.Tests.Scheduling;

/// <summary>
/// Buses on one key prefix, as separate processes over one Redis would have, and a fake clock their schedulers read.
/// The clock moves only in <see cref="AdvanceAsync"/>, which waits until every running scheduler has acted on the move
/// and gone back to sleep, so what a test then reads in Redis is what the schedulers did at that time.
/// </summary>
internal sealed class SchedulerBench : IAsyncDisposable
{
    private readonly List<HeraldClient> _buses;
    private readonly List<PeriodicTaskScheduler> _running = [];

    private SchedulerBench(List<HeraldClient> buses, ManualTimeProvider clock)
    {
        _buses = buses;
        Clock = clock;
    }

    public ManualTimeProvider Clock { get; }

    public HeraldClient Bus => _buses[0];

    public IReadOnlyList<HeraldClient> Buses => _buses;

    public static async Task<SchedulerBench> StartAsync(TaskFixture fixture, DateTimeOffset start, int buses = 1, [CallerMemberName] string test = "")
    {
        var prefix = fixture.NewPrefix(test).TrimEnd(':');
        var clients = new List<HeraldClient>();
        for (var i = 0; i < buses; i++)
        {
            clients.Add(await HeraldClient.CreateBuilder().UseRedis(fixture.Url).Configure(options => options.KeyPrefix = prefix).BuildAsync());
        }

        return new SchedulerBench(clients, new ManualTimeProvider(start));
    }

    /// <summary>Starts a scheduler on the fake clock on bus <paramref name="bus"/> and waits until it sleeps.</summary>
    public async Task<PeriodicTaskScheduler> StartSchedulerAsync(int bus, params PeriodicSchedule[] entries)
    {
        var builder = _buses[bus].CreateTaskScheduler(options => options.TimeProvider = Clock);
        foreach (var entry in entries)
        {
            builder.Add(entry);
        }

        var scheduler = await builder.StartAsync();
        _running.Add(scheduler);
        await Wait.UntilAsync(() => scheduler.Sleeps > 0, because: "the scheduler goes to sleep until its next tick");
        return scheduler;
    }

    public async Task StopSchedulerAsync(PeriodicTaskScheduler scheduler)
    {
        _running.Remove(scheduler);
        await scheduler.DisposeAsync();
    }

    /// <summary>
    /// Moves the clock and waits until every running scheduler woke, enqueued what fell due and slept again; so move it at
    /// least to the next tick (or by the schedulers' one-minute longest sleep).
    /// </summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        var before = _running.Select(static s => s.Sleeps).ToArray();
        Clock.Advance(by);
        await Wait.UntilAsync(() => _running.Select((s, i) => s.Sleeps > before[i]).All(static woke => woke),
            because: "every scheduler wakes at the move of the clock and sleeps again");
    }

    /// <summary>Tasks waiting on a queue.</summary>
    public async Task<long> QueuedAsync(string queue = "default") => await Bus.Redis!.ListLengthAsync(Bus.Keys.Queue(queue));

    /// <summary>Whether a task with <paramref name="taskId"/> was enqueued on the queue with a uniqueness window still open.</summary>
    public async Task<bool> EnqueuedAsync(string taskId, string queue = "default") => await Bus.Redis!.KeyExistsAsync(Bus.Keys.Unique(queue, taskId));

    public async ValueTask DisposeAsync()
    {
        foreach (var scheduler in _running)
        {
            await scheduler.DisposeAsync();
        }

        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }
    }
}
