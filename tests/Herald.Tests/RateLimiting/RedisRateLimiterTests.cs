using Herald.Keys;
using Herald.RateLimiting;
using Herald.Redis;
using Herald.Redis.Commands;

namespace Herald.Tests.RateLimiting;

/// <summary>
/// The GCRA script against a real server. Assertions are on the waits the script hands out, computed on the
/// server's clock: the only unknown is how much server time passes between calls, which is measured with
/// <c>TIME</c> around them, so nothing depends on sleeping or on this machine's speed.
/// </summary>
public sealed class RedisRateLimiterTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    [Fact]
    public async Task AcquireAsync_ManyCallsWithRoomToWait_BurstAtOnceThenOneSlotPerInterval()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisRateLimiter(redis, new KeySchema(Prefix()));
        var limit = RateLimit.Parse("5/10s burst 3");

        var calls = await AcquireInTurnAsync(redis, Enumerable.Repeat(limiter, 20), limit);

        // Call k (from 0) is due (k + 1 - burst) intervals after the first, less the server time since the first.
        for (var k = 0; k < calls.Count; k++)
        {
            var due = limit.EmissionInterval * Math.Max(k + 1 - limit.Burst, 0);
            calls[k].Wait.Should().BeLessThanOrEqualTo(due, $"call {k} waits no longer than its slot")
                .And.BeGreaterThanOrEqualTo(due - (calls[k].After - calls[0].Before), $"call {k} gets its own slot");
        }

        calls.Take(limit.Burst).Should().OnlyContain(call => call.Wait == TimeSpan.Zero, "an idle limit grants its burst at once");
        calls.Skip(limit.Burst - 1).Select(call => call.Wait).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("after the burst every caller queues in a slot of its own");
        NoPeriodExceeds(calls, limit);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentCallers_EachReservesADistinctSlot()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisRateLimiter(redis, new KeySchema(Prefix()));
        var limit = RateLimit.PerSecond(1);

        var leases = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => limiter.AcquireAsync("api", limit, maxWait: TimeSpan.FromMinutes(1)).AsTask()));

        leases.Should().OnlyContain(lease => lease.Granted);
        var waits = leases.Select(lease => lease.Wait).Order().ToList();
        waits[0].Should().Be(TimeSpan.Zero);
        waits.Zip(waits.Skip(1), (earlier, later) => later - earlier).Should()
            .OnlyContain(gap => gap > limit.EmissionInterval / 2, "callers racing for the limit queue up one interval apart instead of sharing a slot");
        waits[^1].Should().BeCloseTo(limit.EmissionInterval * 29, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AcquireAsync_MaxWaitTooShort_DeniedWithRetryAfterAndNothingReserved()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisRateLimiter(redis, new KeySchema(Prefix()));
        var limit = RateLimit.PerMinute(1);

        var first = await limiter.AcquireAsync("mailer", limit);
        var denied = await limiter.AcquireAsync("mailer", limit);
        var deniedAgain = await limiter.AcquireAsync("mailer", limit, maxWait: TimeSpan.FromSeconds(5));
        var reserved = await limiter.AcquireAsync("mailer", limit, maxWait: TimeSpan.FromMinutes(2));

        first.Should().Be(RateLimitLease.Grant(TimeSpan.Zero));
        denied.Granted.Should().BeFalse();
        denied.Wait.Should().Be(TimeSpan.Zero);
        denied.RetryAfter.Should().BeGreaterThan(TimeSpan.FromSeconds(55)).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        deniedAgain.Granted.Should().BeFalse();
        deniedAgain.RetryAfter.Should().BeLessThanOrEqualTo(denied.RetryAfter, "a denial reserves nothing, so the next caller is not pushed back");
        reserved.Granted.Should().BeTrue();
        reserved.Wait.Should().BeLessThanOrEqualTo(deniedAgain.RetryAfter, "the denials left the slot after the first permit free");
    }

    [Fact]
    public async Task AcquireAsync_TwoClients_ShareOneLimit()
    {
        await using var one = await ConnectAsync();
        await using var two = await ConnectAsync();
        var keys = new KeySchema(Prefix());
        var workers = new[] { new RedisRateLimiter(one, keys), new RedisRateLimiter(two, keys) };
        var limit = RateLimit.Parse("5/10s");

        var calls = await AcquireInTurnAsync(one, Enumerable.Range(0, 10).Select(i => workers[i % 2]), limit);

        for (var k = 0; k < calls.Count; k++)
        {
            calls[k].Wait.Should().BeGreaterThanOrEqualTo((limit.EmissionInterval * k) - (calls[k].After - calls[0].Before),
                $"call {k}, by worker {k % 2}, queues behind every permit either worker took");
        }

        NoPeriodExceeds(calls, limit);
    }

    [Fact]
    public async Task AcquireAsync_Granted_KeyExpiresWhenTheLimitIsIdleAgain()
    {
        await using var redis = await ConnectAsync();
        var keys = new KeySchema(Prefix());
        var limiter = new RedisRateLimiter(redis, keys);
        var limit = RateLimit.PerMinute(2, burst: 2);
        var key = keys.RateLimit("reports");

        var denied = await limiter.AcquireAsync("reports", limit, permits: 3);
        var existsAfterDenial = await redis.KeyExistsAsync(key);
        await limiter.AcquireAsync("reports", limit, permits: 2);
        var ttl = await redis.ExecuteAsync("PTTL", key);

        denied.Granted.Should().BeFalse("three permits exceed the burst of two");
        denied.RetryAfter.Should().BeCloseTo(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), "one interval past the burst");
        existsAfterDenial.Should().BeFalse("a denial writes nothing");
        ttl.AsInt64().Should().BeInRange(55_000, 60_001, "two permits at two a minute keep the limit busy for a minute, and no longer");
    }

    [Fact]
    public async Task WaitAsync_PermitFreeWithinMaxWait_ReturnsTrueAfterItsSlot()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisRateLimiter(redis, new KeySchema(Prefix()));
        var limit = RateLimit.PerSecond(5);
        await limiter.AcquireAsync("slow", limit);
        var started = TimeProvider.System.GetTimestamp();

        var waited = await limiter.WaitAsync("slow", limit, maxWait: TimeSpan.FromSeconds(1));
        var after = TimeProvider.System.GetElapsedTime(started);
        await limiter.AcquireAsync("hourly", RateLimit.PerHour(1));
        var refused = await limiter.WaitAsync("hourly", RateLimit.PerHour(1), maxWait: TimeSpan.FromSeconds(1));

        waited.Should().BeTrue();
        after.Should().BeGreaterThan(TimeSpan.FromMilliseconds(100), "the second permit's slot is one interval (200 ms) after the first, less the call's own time");
        refused.Should().BeFalse("the next permit of an hourly limit is an hour away");
    }

    [Fact]
    public async Task AcquireAsync_InvalidArguments_Throw()
    {
        await using var redis = await ConnectAsync();
        var limiter = new RedisRateLimiter(redis, new KeySchema(Prefix()));
        var limit = RateLimit.PerSecond(1);

        await FluentActions.Awaiting(() => limiter.AcquireAsync(string.Empty, limit).AsTask()).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => limiter.AcquireAsync("x", limit, permits: 0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => limiter.AcquireAsync("x", limit, maxWait: TimeSpan.FromSeconds(-1)).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        (await limiter.AcquireAsync("odd {name} #1", limit, maxWait: Timeout.InfiniteTimeSpan)).Granted.Should().BeTrue("any name is escaped into its key");
    }

    // Calls one after another, each with no bound on its wait and bracketed by the server's clock.
    private static async Task<List<Call>> AcquireInTurnAsync(RedisClient redis, IEnumerable<GlobalRateLimiter> callers, RateLimit limit)
    {
        var calls = new List<Call>();
        foreach (var caller in callers)
        {
            var before = await ServerTimeAsync(redis);
            var lease = await caller.AcquireAsync("api", limit, maxWait: Timeout.InfiniteTimeSpan);
            var after = await ServerTimeAsync(redis);
            lease.Granted.Should().BeTrue("an unbounded wait is always granted");
            calls.Add(new Call(lease.Wait, before, after));
        }

        return calls;
    }

    // A call's slot is its server time plus its wait, so it lies between Before + Wait and After + Wait. No period
    // holds more than permits + burst slots when the slots of any two calls that many apart are a period apart.
    private static void NoPeriodExceeds(List<Call> calls, RateLimit limit)
    {
        var span = limit.Permits + limit.Burst;
        for (var i = 0; i + span < calls.Count; i++)
        {
            var earliestLater = calls[i + span].Before + calls[i + span].Wait;
            var latestEarlier = calls[i].After + calls[i].Wait;
            (earliestLater - latestEarlier).Should().BeGreaterThanOrEqualTo(limit.Period, $"no period holds more than {span} permits (calls {i} to {i + span})");
        }
    }

    private static async Task<TimeSpan> ServerTimeAsync(RedisClient redis)
    {
        var time = await redis.ExecuteAsync("TIME");
        return TimeSpan.FromSeconds(long.Parse(time[0].AsString()!, System.Globalization.CultureInfo.InvariantCulture))
            + TimeSpan.FromMicroseconds(long.Parse(time[1].AsString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<RedisClient> ConnectAsync() => await RedisClient.ConnectAsync(RedisOptions.Parse(fixture.Url));

    private string Prefix([System.Runtime.CompilerServices.CallerMemberName] string test = "") => fixture.NewPrefix(test).TrimEnd(':');

    private sealed record Call(TimeSpan Wait, TimeSpan Before, TimeSpan After);
}
