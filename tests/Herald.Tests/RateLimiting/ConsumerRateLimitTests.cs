using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.Consuming;
using Herald.RateLimiting;
using Herald.Redis.Commands;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.RateLimiting;

public sealed class ConsumerRateLimitTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_jobs = Destination.Queue("jobs");

    [Fact]
    public async Task RateLimit_TwoConsumersOfOneQueue_ShareTheLimitAndDeferWithoutSpendingAttempts()
    {
        var prefix = fixture.NewPrefix();
        await using var one = await fixture.CreateBusAsync(prefix);
        await using var two = await fixture.CreateBusAsync(prefix);
        var limit = RateLimit.Parse("20/s");
        await one.PublishBatchAsync(s_jobs, Enumerable.Range(0, 60).Select(i => new OrderPlaced($"o-{i}", i)));
        var handled = new ConcurrentQueue<(string Id, int Attempt, long At)>();

        // 96 lanes between them: more than the 40 permits a 2 s wait can reserve at 20/s, so some messages are deferred.
        void Configure(ConsumerOptions options)
        {
            BusFixture.Fast(options);
            options.VisibilityTimeout = TimeSpan.FromSeconds(30);
            options.Concurrency = 48;
            options.RateLimit = limit;
        }

        ValueTask Handle(MessageContext<OrderPlaced> context, CancellationToken token)
        {
            handled.Enqueue((context.Message.OrderId, context.Attempt, Stopwatch.GetTimestamp()));
            return ValueTask.CompletedTask;
        }

        await using var pauses = PauseProbe.Start();
        await using var first = await one.Consume(s_jobs, Configure).Handle<OrderPlaced>(Handle).StartAsync();
        await using var second = await two.Consume(s_jobs, Configure).Handle<OrderPlaced>(Handle).StartAsync();

        await Wait.UntilAsync(() => handled.Count >= 60, TimeSpan.FromSeconds(30), because: "every job is handled at the shared rate");
        handled.Select(h => h.Id).Should().OnlyHaveUniqueItems().And.HaveCount(60);
        handled.Should().OnlyContain(h => h.Attempt == 1, "waiting for a permit is not the message's failure");
        (first.Statistics.Deferred + second.Statistics.Deferred).Should().BePositive("messages with no permit within 2 s went back to Redis");
        (first.Statistics.Failed + second.Statistics.Failed).Should().Be(0);
        (await one.Redis!.StreamLengthAsync(one.Keys.DeadLetters(s_jobs.Name))).Should().Be(0, "nothing is dead-lettered");

        // Permits are spaced on Redis's clock. A handler starts once its slot is due; if this process was paused
        // meanwhile (a shared machine, a GC), the handlers whose slots fell in the pause start together when it
        // resumes, so the bound allows for the permits of the longest pause measured, and is exact when there was none.
        var times = handled.Select(h => h.At).Order().ToList();
        var busiest = times.Max(start => times.Count(at => at >= start && Stopwatch.GetElapsedTime(start, at) < TimeSpan.FromSeconds(1)));
        var pausedPermits = (int)Math.Ceiling(pauses.Longest / limit.EmissionInterval);
        busiest.Should().BeLessThanOrEqualTo(limit.Permits + limit.Burst + pausedPermits,
            $"both consumers together keep to one limit (longest pause of this process: {pauses.Longest.TotalMilliseconds:F0} ms)");
        Stopwatch.GetElapsedTime(times[0], times[^1]).Should().BeGreaterThan(TimeSpan.FromSeconds(2), "60 permits at 20/s take about 3 s");
    }

    [Fact]
    public async Task RateLimit_BatchHandler_TakesOnePermitPerMessage()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var limit = RateLimit.Parse("10/s burst 2");
        await bus.PublishBatchAsync(s_jobs, Enumerable.Range(0, 10).Select(i => new OrderPlaced($"o-{i}", i)));
        var batches = new ConcurrentQueue<(int Count, TimeSpan At)>();
        var started = Stopwatch.GetTimestamp();

        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Concurrency = 1; o.RateLimit = limit; })
            .HandleBatch<OrderPlaced>((batch, _) =>
            {
                batches.Enqueue((batch.Count, Stopwatch.GetElapsedTime(started)));
                return ValueTask.CompletedTask;
            }, maxBatchSize: 10, maxWait: TimeSpan.FromMilliseconds(200))
            .StartAsync();

        await Wait.UntilAsync(() => batches.Sum(b => b.Count) == 10, because: "every message is handled in some batch");
        batches.Max(b => b.At).Should().BeGreaterThan(TimeSpan.FromMilliseconds(750),
            "ten permits with a burst of two leave the last of them eight intervals (800 ms) out, whatever the batches");
        consumer.Statistics.Deferred.Should().Be(0, "a batch larger than the burst may wait for the permits its size needs");
    }

    [Fact]
    public async Task RateLimit_SharedName_VisibleToTheClientsLimiter()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var limit = RateLimit.PerMinute(1);
        var handled = 0;
        await using var consumer = await bus.Consume(s_jobs, o => { BusFixture.Fast(o); o.Group = "mailers"; o.RateLimit = limit; })
            .Handle<OrderPlaced>((_, _) =>
            {
                Interlocked.Increment(ref handled);
                return ValueTask.CompletedTask;
            })
            .StartAsync();

        await bus.PublishAsync(s_jobs, new OrderPlaced("a", 1));
        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 1, because: "the first message takes the minute's permit");
        var lease = await bus.RateLimiter.AcquireAsync(Herald.Keys.KeySchema.GroupRateLimitName(s_jobs, "mailers"), limit);

        lease.Granted.Should().BeFalse("the consumer group spent the minute's permit, and the limit is global");
        lease.RetryAfter.Should().BeGreaterThan(TimeSpan.FromSeconds(50));
    }

    /// <summary>Measures how late a short timer fires, over and over: the longest time this process was not running its timers.</summary>
    private sealed class PauseProbe : IAsyncDisposable
    {
        private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(5);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _longestTicks;

        private PauseProbe() => _loop = Task.Run(LoopAsync);

        public TimeSpan Longest => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks));

        public static PauseProbe Start() => new();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await Task.Delay(s_tick, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var late = Stopwatch.GetElapsedTime(started) - s_tick;
                if (late.Ticks > Interlocked.Read(ref _longestTicks))
                {
                    Interlocked.Exchange(ref _longestTicks, late.Ticks);
                }
            }
        }
    }
}
