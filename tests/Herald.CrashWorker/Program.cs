using Herald;
using Herald.CrashWorker;
using Herald.Redis;

// Usage: herald-crash-worker <redis-url> <key-prefix> <stream> <group> <consumer> <processed-set> <handler-ms>
// Consumes <stream> and records each handled message id in the set <processed-set> before acknowledging,
// so a test can tell what was handled at least once after killing this process at any moment.
// With "tasks" first it runs a task worker instead (see TaskMode).
if (args.Length > 0 && args[0] == "tasks")
{
    return await TaskMode.RunAsync(args[1..]);
}

if (args.Length != 7)
{
    Console.Error.WriteLine("usage: herald-crash-worker <redis-url> <key-prefix> <stream> <group> <consumer> <processed-set> <handler-ms>");
    Console.Error.WriteLine("   or: " + TaskMode.Usage);
    return 2;
}

var (url, prefix, stream, group, consumer, processedSet) = (args[0], args[1], args[2], args[3], args[4], args[5]);
var handlerTime = TimeSpan.FromMilliseconds(int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture));
await using var bus = await HeraldClient.CreateBuilder()
    .UseRedis(url)
    .Configure(o =>
    {
        o.KeyPrefix = prefix;

        // Registry tests shorten the heartbeat so a killed worker turns stale and expires within a test.
        if (int.TryParse(Environment.GetEnvironmentVariable("HERALD_WORKER_HEARTBEAT_MS"), System.Globalization.CultureInfo.InvariantCulture, out var heartbeat))
        {
            o.WorkerHeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
        }
    })
    .BuildAsync();
await using var worker = await bus.Consume(Destination.Stream(stream), o =>
    {
        o.Group = group;
        o.ConsumerName = consumer;
        o.Concurrency = 8;
        o.Prefetch = 64;
        o.BatchSize = 32;
        o.StartFrom = "0";
        o.BlockTime = TimeSpan.FromMilliseconds(100);
        o.VisibilityTimeout = TimeSpan.FromSeconds(2);
    })
    .HandleAny(async (message, token) =>
    {
        // Simulated work: the kill lands while messages are in the middle of being handled.
        await Task.Delay(handlerTime, token);
        await bus.Redis!.ExecuteAsync(new RedisCommand("SADD", processedSet, message.MessageId).WithKey(), RespParsers.Ignore, token);
    })
    .StartAsync();

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
return 0;
