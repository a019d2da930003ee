using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests.Resilience;

public sealed class AppendOnlyBusFixture : RedisFixture
{
    protected override RedisServerOptions Options => new() { AppendOnly = true };
}

public sealed class CrashRecoveryTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task Worker_KilledWithSigkillMidBatch_EveryMessageHandledAndNothingStuckPending()
    {
        var prefix = fixture.NewPrefix().TrimEnd(':');
        await using var bus = await fixture.CreateBusAsync(prefix);
        const int total = 3000;
        var processed = $"{prefix}:processed";
        await bus.PublishBatchAsync(Destination.Stream("jobs"), Enumerable.Range(0, total).Select(i => new { Number = i }));
        var stream = bus.Keys.Stream("jobs");

        await using (var first = await WorkerProcess.StartAsync(fixture.Url, prefix, "jobs", "workers", "first", processed, "5"))
        {
            await Wait.UntilAsync(async () => await bus.Redis!.ExecuteAsync(new RedisCommand("SCARD", processed), RespParsers.Int64) >= 300,
                TimeSpan.FromSeconds(60), "the first worker gets going");
            await first.KillAsync();
        }

        var scardAfterKill = await bus.Redis!.ExecuteAsync(new RedisCommand("SCARD", processed), RespParsers.Int64);
        var pendingAfterKill = await bus.Redis!.StreamPendingAsync(stream, "workers");
        scardAfterKill.Should().BeLessThan(total, "the kill lands mid-run");
        pendingAfterKill.Count.Should().BeGreaterThan(0, "the killed worker held delivered, unacknowledged messages");

        await using var second = await WorkerProcess.StartAsync(fixture.Url, prefix, "jobs", "workers", "second", processed, "1");
        await Wait.UntilAsync(async () => await bus.Redis!.ExecuteAsync(new RedisCommand("SCARD", processed), RespParsers.Int64) == total,
            TimeSpan.FromSeconds(90), "every message is handled at least once after the crash");
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingAsync(stream, "workers")).Count == 0,
            TimeSpan.FromSeconds(30), "nothing stays stuck in the pending list");
    }
}

public sealed class RedisRestartTests(AppendOnlyBusFixture fixture) : IClassFixture<AppendOnlyBusFixture>
{
    [Fact]
    public async Task Consumer_RedisRestartedWithAofUnderLoad_ResumesAndLosesNothingAcknowledged()
    {
        var prefix = fixture.NewPrefix().TrimEnd(':');
        await using var bus = await HeraldClient.CreateBuilder().UseRedis(fixture.Url).Configure(o => o.KeyPrefix = prefix).BuildAsync();
        var orders = Destination.Stream("orders");
        var handled = new ConcurrentDictionary<string, bool>();
        await using var consumer = await bus.Consume(orders, o =>
            {
                BusFixture.Fast(o);
                o.Concurrency = 4;
            })
            .HandleAny((message, _) =>
            {
                handled[message.MessageId] = true;
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        // Publish continuously; a publish that returned an entry id is acknowledged by Redis and must survive.
        var acknowledged = new ConcurrentBag<string>();
        using var stopPublishing = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            var n = 0;
            while (!stopPublishing.IsCancellationRequested)
            {
                try
                {
                    var result = await bus.PublishAsync(orders, new { N = n++ });
                    acknowledged.Add(result.MessageId);
                }
                catch (HeraldException)
                {
                    // Redis is restarting: this publish was not acknowledged, so it may be lost.
                }
            }
        });

        await Wait.UntilAsync(() => handled.Count >= 200, because: "traffic flows before the restart");
        await fixture.Server.RestartAsync();
        var countAtRestart = acknowledged.Count;
        await Wait.UntilAsync(() => acknowledged.Count >= countAtRestart + 200, TimeSpan.FromSeconds(60), "publishing resumes by itself");
        await stopPublishing.CancelAsync();
        await publisher;

        await Wait.UntilAsync(() => acknowledged.All(handled.ContainsKey), TimeSpan.FromSeconds(60),
            "every acknowledged message is handled after the restart");
        await Wait.UntilAsync(async () => (await bus.Redis!.StreamPendingAsync(bus.Keys.Stream("orders"), "default")).Count == 0,
            TimeSpan.FromSeconds(30), "nothing stays pending");
    }
}
