using Herald.Consuming;
using Herald.Redis;
using Herald.Tasks;
using Herald.Tasks.Workers;

namespace Herald.CrashWorker;

/// <summary>
/// The task the crash tests run, shared by the child worker they kill and the workers that finish after it:
/// a little work, then its id goes into a Redis set, the side effect a test counts.
/// </summary>
public static class CrashTasks
{
    /// <summary>Doubles its number after some work.</summary>
    public static TaskName<CrashArgs, int> Work { get; } = new("crash.work");

    /// <summary>The set each run adds its task id to once its work is done.</summary>
    public static string DoneSet(HeraldClient bus) => bus.Keys.Scratch("crash", "done");

    /// <summary>The ids of the tasks whose work was done, each once however often it ran.</summary>
    public static ValueTask<string[]> DoneAsync(HeraldClient bus) =>
        bus.Redis!.ExecuteAsync(new RedisCommand("SMEMBERS", DoneSet(bus)).WithKey(),
            static reply => Enumerable.Range(0, reply.Count).Select(i => reply[i].AsString()!).ToArray());

    /// <summary>How many tasks' work was done.</summary>
    public static ValueTask<long> DoneCountAsync(HeraldClient bus) =>
        bus.Redis!.ExecuteAsync(new RedisCommand("SCARD", DoneSet(bus)).WithKey(), RespParsers.Int64);

    /// <summary>Registers <see cref="Work"/>, each run taking <paramref name="workTime"/>.</summary>
    public static TaskWorkerBuilder RegisterWork(this TaskWorkerBuilder worker, HeraldClient bus, TimeSpan workTime, Action<TaskSettings>? configure = null) =>
        worker.Register(Work, async (args, context, cancellationToken) =>
        {
            // Simulated work: a kill or a fault lands while tasks are in the middle of it.
            await Task.Delay(workTime, cancellationToken);
            await bus.Redis!.ExecuteAsync(new RedisCommand("SADD", DoneSet(bus), context.TaskId).WithKey(), RespParsers.Ignore, cancellationToken);
            return args.N * 2;
        }, configure);

    /// <summary>
    /// Heartbeats every 250 ms and a consumer presumed dead after 3 s without one, so a killed worker's tasks
    /// return within a test; 3 s leaves a live worker on a loaded machine a wide margin.
    /// </summary>
    public static void QuickReaper(HeraldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultQueue.HeartbeatInterval = TimeSpan.FromMilliseconds(250);
        options.DefaultQueue.ConsumerTimeout = TimeSpan.FromSeconds(3);
    }

    /// <summary>Short blocking takes and maintenance passes (heartbeats ride on them) every 250 ms.</summary>
    public static void FastConsumer(ConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(1);
    }
}

/// <summary>The arguments of <see cref="CrashTasks.Work"/>.</summary>
public sealed record CrashArgs(int N);
