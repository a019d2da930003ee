using System.Collections.Concurrent;
using Herald.RateLimiting;
using Herald.TestKit;

namespace Herald.Testing.Tests;

public sealed class InMemoryRateLimiterTests
{
    [Fact]
    public async Task AcquireAsync_IdleLimit_GrantsTheBurstThenReservesOneSlotPerInterval()
    {
        var limiter = new InMemoryRateLimiter(new ManualTimeProvider());
        var limit = RateLimit.Parse("10/s burst 3");

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            waits.Add((await limiter.AcquireAsync("api", limit, maxWait: TimeSpan.FromSeconds(1))).Wait);
        }

        waits.Should().Equal(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task AcquireAsync_NoPermitWithinMaxWait_DeniedUntilTimeFreesOne()
    {
        var time = new ManualTimeProvider();
        var limiter = new InMemoryRateLimiter(time);
        var limit = RateLimit.PerMinute(2);

        var first = await limiter.AcquireAsync("mailer", limit);
        var denied = await limiter.AcquireAsync("mailer", limit);
        var deniedAgain = await limiter.AcquireAsync("mailer", limit, maxWait: TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(30));
        var later = await limiter.AcquireAsync("mailer", limit);

        first.Granted.Should().BeTrue();
        denied.Should().Be(RateLimitLease.Deny(TimeSpan.FromSeconds(30)));
        deniedAgain.Should().Be(RateLimitLease.Deny(TimeSpan.FromSeconds(30)), "a denial reserves nothing");
        later.Should().Be(RateLimitLease.Grant(TimeSpan.Zero), "one interval later the next permit is free");
    }

    [Fact]
    public async Task WaitAsync_ReservedSlot_CompletesWhenTheClockReachesIt()
    {
        var time = new ManualTimeProvider();
        var limiter = new InMemoryRateLimiter(time);
        var limit = RateLimit.PerSecond(2);
        await limiter.AcquireAsync("api", limit);

        var waiting = limiter.WaitAsync("api", limit).AsTask();
        var completedEarly = waiting.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(500));

        completedEarly.Should().BeFalse("the second permit's slot is half a second out");
        (await waiting).Should().BeTrue();
    }

    [Fact]
    public async Task RateLimiter_HarnessClients_ShareTheTransportsLimits()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        var other = await harness.CreateBusAsync();
        var limit = RateLimit.PerHour(1);

        var taken = await harness.Bus.RateLimiter.AcquireAsync("reports", limit);
        var refused = await other.RateLimiter.AcquireAsync("reports", limit);

        harness.Bus.RateLimiter.Should().BeSameAs(harness.Transport.RateLimiter);
        taken.Granted.Should().BeTrue();
        refused.Granted.Should().BeFalse("both clients of one transport draw on one limit, as processes on one Redis do");
    }

    [Fact]
    public async Task ConsumerRateLimit_InMemoryQueue_HandlesEveryMessageWithinTheLimit()
    {
        await using var harness = await HeraldTestHarness.StartAsync();
        var jobs = Destination.Queue("jobs");
        var limit = RateLimit.Parse("20/m burst 20");
        var attempts = new ConcurrentQueue<int>();
        await using var consumer = await harness.Bus.Consume(jobs, o => { o.Concurrency = 8; o.RateLimit = limit; })
            .Handle<OrderPlaced>((context, _) =>
            {
                attempts.Enqueue(context.Attempt);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await harness.Bus.PublishBatchAsync(jobs, Enumerable.Range(0, 20).Select(i => new OrderPlaced($"o{i}", i)));
        await Wait.UntilAsync(() => attempts.Count == 20, because: "the burst lets every message through at once");

        attempts.Should().OnlyContain(attempt => attempt == 1);
        var next = await harness.Transport.RateLimiter.AcquireAsync(Herald.Keys.KeySchema.GroupRateLimitName(jobs, "default"), limit, maxWait: TimeSpan.FromMinutes(1));
        next.Wait.Should().BeGreaterThan(TimeSpan.FromSeconds(1), "the consumer spent the burst from the transport's limiter, under the group's name");
    }
}
