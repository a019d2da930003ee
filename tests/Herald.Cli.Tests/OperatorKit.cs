using System.Text.Json;
using Herald.Consuming;
using Herald.TestKit;

namespace Herald.Cli.Tests;

[HeraldMessage("ops.order.placed")]
public sealed record OrderPlaced(string OrderId);

[HeraldMessage("ops.order.cancelled")]
public sealed record OrderCancelled(string OrderId);

[HeraldMessage("ops.job")]
public sealed record Job(int Number);

/// <summary>State for the operator commands, made through the bus under a key prefix of the test's own, and the tool run against it.</summary>
internal sealed class OperatorKit(RedisFixture redis, string prefix)
{
    public static readonly Destination Orders = Destination.Stream("orders");
    public static readonly Destination Jobs = Destination.Queue("jobs");

    public string Prefix { get; } = prefix.TrimEnd(':');

    public static OperatorKit For(RedisFixture redis, [System.Runtime.CompilerServices.CallerMemberName] string test = "") => new(redis, redis.NewPrefix(test));

    public Task<HeraldClient> BusAsync() =>
        HeraldClient.CreateBuilder().UseRedis(redis.Url).Configure(o => o.KeyPrefix = Prefix).BuildAsync().AsTask();

    /// <summary>
    /// A bus that announces itself and flushes its throughput counts every 100 ms instead of every 5 s, so that
    /// <c>workers</c>, <c>stats</c> and the rates of <c>ls</c> see its figures at once.
    /// </summary>
    public Task<HeraldClient> ReportingBusAsync(TimeProvider? clock = null) =>
        HeraldClient.CreateBuilder().UseRedis(redis.Url).Configure(o =>
        {
            o.KeyPrefix = Prefix;
            o.WorkerHeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.TimeProvider = clock ?? TimeProvider.System;
        }).BuildAsync().AsTask();

    /// <summary><c>--redis … --prefix … args</c>: a command line against this kit's Redis and prefix.</summary>
    public string[] Arguments(params string[] args) => ["--redis", redis.Url, "--prefix", Prefix, .. args];

    /// <summary>Runs <c>herald --redis … --prefix … args</c>.</summary>
    public Task<HeraldRun> RunAsync(params string[] args) => HeraldTool.RunAsync(Arguments(args));

    /// <summary>Runs the command with <c>--json</c>, checks it succeeded, and parses its output.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var run = await RunAsync([.. args, "--json"]);
        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.Clone();
    }

    /// <summary>Consumer settings for tests: short reads and timeouts, no retries in process.</summary>
    public static void Fast(ConsumerOptions options, string group = "default")
    {
        options.Group = group;
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(2);
        options.StartFrom = "0";
        options.Retry.InProcessRetries = 0;
        options.StopTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>As <see cref="Fast"/>, and a failing message is dead-lettered at its first failure.</summary>
    public static void FailOnce(ConsumerOptions options, string group = "default")
    {
        Fast(options, group);
        options.Retry.MaxDeliveries = 1;
    }

    /// <summary>Makes <paramref name="group"/> of orders exist with one consumer that is then stopped: what is published next lags.</summary>
    public static async Task JoinAndStopAsync(HeraldClient bus, string group)
    {
        var member = await bus.Consume(Orders, o => Fast(o, group)).Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync();
        await Wait.UntilAsync(async () => (await bus.CreateInspector().GetStreamAsync(Orders.Name)).Groups.Any(g => g.Name == group && g.Consumers.Count == 1),
            because: $"a consumer joins group {group}");
        await member.DisposeAsync();
    }

    /// <summary>Waits until orders has <paramref name="count"/> dead letters.</summary>
    public static Task DeadLettersAsync(HeraldClient bus, long count) =>
        Wait.UntilAsync(async () => await bus.CreateInspector().CountDeadLettersAsync(Orders) == count, because: $"orders has {count} dead letters");

    /// <summary>The row of <paramref name="array"/> whose <paramref name="property"/> is <paramref name="value"/>.</summary>
    public static JsonElement Row(JsonElement array, string property, string value) =>
        array.EnumerateArray().Single(e => e.GetProperty(property).GetString() == value);
}
