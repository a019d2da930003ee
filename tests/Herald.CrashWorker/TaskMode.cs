using System.Globalization;
using Herald.Tasks;

namespace Herald.CrashWorker;

/// <summary>
/// <c>herald-crash-worker tasks &lt;redis-url&gt; &lt;key-prefix&gt; &lt;queue&gt; &lt;task-ms&gt;</c>: a task worker running
/// <see cref="CrashTasks.Work"/> eight at a time, for tests that kill it with SIGKILL mid-batch.
/// </summary>
internal static class TaskMode
{
    public const string Usage = "herald-crash-worker tasks <redis-url> <key-prefix> <queue> <task-ms>";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 4)
        {
            await Console.Error.WriteLineAsync("usage: " + Usage);
            return 2;
        }

        var (url, prefix, queue) = (args[0], args[1], args[2]);
        var workTime = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
        await using var bus = await HeraldClient.CreateBuilder()
            .UseRedis(url)
            .Configure(o =>
            {
                o.KeyPrefix = prefix;
                CrashTasks.QuickReaper(o);
            })
            .BuildAsync();
        await using var worker = await bus.CreateTaskWorker(o =>
            {
                o.Queues.Clear();
                o.Queues.Add(queue);
                o.Concurrency = 8;
                o.ConfigureConsumer = CrashTasks.FastConsumer;
            })
            .RegisterWork(bus, workTime)
            .StartAsync();

        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
