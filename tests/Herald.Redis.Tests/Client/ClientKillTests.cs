using System.Globalization;
using System.Text;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// <c>CLIENT KILL</c> from another client while commands are in flight: every caller hears back (a reply or
/// a typed connection error that says whether the command may have run), none hangs, and the client
/// reconnects by itself with exactly one connection.
/// </summary>
public sealed class ClientKillTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 90_000)]
    public async Task ClientKill_ThousandCommandsWrittenAndWaiting_AllFailAsMayHaveExecutedAndClientRecovers()
    {
        var prefix = redis.NewPrefix();
        await using var admin = await ClientOptions.ConnectAsync(redis.Url, static o => o.ClientName = "admin");
        await using var client = await ClientOptions.ConnectAsync(redis.Url, o => o.ClientName = prefix);
        var id = await client.ExecuteAsync(new RedisCommand("CLIENT", "ID"), RespParsers.Int64);

        // A BLPOP on the shared connection (deliberately not flagged Blocking) parks it on the server, so
        // the thousand INCRs behind it are written and received but not executed: certainly in flight.
        var counter = prefix + "counter";
        var parked = client.ExecuteAsync(new RedisCommand("BLPOP", prefix + "never", 0).WithTimeout(Timeout.InfiniteTimeSpan), RespParsers.Value).AsTask();
        var increments = Enumerable.Range(0, 1000)
            .Select(_ => client.ExecuteAsync(new RedisCommand("INCR", counter).WithKey(), RespParsers.Int64).AsTask())
            .ToArray();
        var written = 1000L * Encoding.UTF8.GetByteCount($"*2\r\n$4\r\nINCR\r\n${counter.Length}\r\n{counter}\r\n");
        await Wait.UntilAsync(
            async () => (await admin.ClientListAsync()).Any(c => c["id"] == Id(id) && long.Parse(c["qbuf"], CultureInfo.InvariantCulture) >= written),
            because: "the server has received all thousand INCRs behind the BLPOP");

        (await admin.ExecuteAsync(new RedisCommand("CLIENT", "KILL", "ID", id), RespParsers.Int64)).Should().Be(1);

        var all = Task.WhenAll([parked, .. increments]);
        (await Task.WhenAny(all, Task.Delay(s_settle))).Should().BeSameAs(all, "no call may hang after its connection is killed");
        foreach (var call in increments.Cast<Task>().Prepend(parked))
        {
            var lost = call.Exception!.InnerException.Should().BeOfType<RedisConnectionException>().Which;
            lost.Failure.Should().Be(RedisConnectionFailure.ConnectionLost);
            lost.MayHaveExecuted.Should().BeTrue("every one of them was written");
        }

        await client.EchoesOwnRepliesAsync(50, "after-kill");
        (await client.ExecuteAsync(new RedisCommand("GET", counter).WithKey(), RespParsers.String)).Should().BeNull("the server dropped the INCRs unexecuted");
        await ExpectOneConnectionAsync(admin, prefix);
    }

    [Fact(Timeout = 90_000)]
    public async Task ClientKill_TypeNormalUnderLoad_EveryCallCompletesAndMayHaveExecutedIsHonest()
    {
        var prefix = redis.NewPrefix();
        var counter = prefix + "counter";
        await using var admin = await ClientOptions.ConnectAsync(redis.Url, static o => o.ClientName = "admin");
        await using var client = await ClientOptions.ConnectAsync(redis.Url, o => o.ClientName = prefix);
        var outcomes = new Outcomes();
        using var stop = new CancellationTokenSource();

        var callers = Enumerable.Range(0, 64).Select(_ => Task.Run(() => IncrementUntilStoppedAsync(client, counter, outcomes, stop.Token))).ToArray();
        await Wait.UntilAsync(() => outcomes.Succeeded >= 5_000, because: "traffic flows before the kill");

        // A kill can land at an instant when every caller has its reply and none has sent again; kill
        // again (a bounded number of times) until one catches commands in flight.
        var kills = 0;
        while (outcomes.Lost == 0 && kills < 20)
        {
            kills++;
            (await admin.ExecuteAsync(new RedisCommand("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"), RespParsers.Int64)).Should().Be(1);
            var beforeRecovery = outcomes.Succeeded;
            await Wait.UntilAsync(() => outcomes.Succeeded >= beforeRecovery + 2_000, s_settle, "traffic flows again after the kill");
        }

        await stop.CancelAsync();

        var all = Task.WhenAll(callers);
        (await Task.WhenAny(all, Task.Delay(s_settle))).Should().BeSameAs(all, "no call may hang");
        outcomes.Unexpected.Should().BeEmpty();
        outcomes.Lost.Should().BeGreaterThan(0, $"one of {kills} kills caught commands in flight");
        var value = await client.ExecuteAsync(new RedisCommand("GET", counter).WithKey(), RespParsers.Int64);
        value.Should().BeInRange(outcomes.Succeeded, outcomes.Succeeded + outcomes.LostMayHaveExecuted,
            "a command reported as never sent did not run, and every success ran");
        await ExpectOneConnectionAsync(admin, prefix);
    }

    private static async Task IncrementUntilStoppedAsync(RedisClient client, string counter, Outcomes outcomes, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Not cancelled by the stop signal: every call started runs to its own outcome.
                await client.ExecuteAsync(new RedisCommand("INCR", counter).WithKey(), RespParsers.Int64, CancellationToken.None);
                outcomes.Success();
            }
            catch (RedisConnectionException lost) when (lost.Failure == RedisConnectionFailure.ConnectionLost)
            {
                outcomes.Loss(lost.MayHaveExecuted);
            }
            catch (Exception unexpected)
            {
                outcomes.Unexpected.Add(unexpected);
            }
        }
    }

    private static async Task ExpectOneConnectionAsync(RedisClient admin, string name) =>
        await Wait.UntilAsync(
            async () => (await admin.ClientListAsync()).Count(c => c.GetValueOrDefault("name") == name) == 1,
            because: "the client ends up with exactly one connection (a leaked extra one would show here)");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private sealed class Outcomes
    {
        private long _succeeded;
        private long _lost;
        private long _lostMayHaveExecuted;

        public long Succeeded => Interlocked.Read(ref _succeeded);

        public long Lost => Interlocked.Read(ref _lost);

        public long LostMayHaveExecuted => Interlocked.Read(ref _lostMayHaveExecuted);

        public System.Collections.Concurrent.ConcurrentBag<Exception> Unexpected { get; } = [];

        public void Success() => Interlocked.Increment(ref _succeeded);

        public void Loss(bool mayHaveExecuted)
        {
            Interlocked.Increment(ref _lost);
            if (mayHaveExecuted)
            {
                Interlocked.Increment(ref _lostMayHaveExecuted);
            }
        }
    }
}
