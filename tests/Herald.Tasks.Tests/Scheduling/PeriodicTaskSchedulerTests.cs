using System.Collections.Concurrent;
using Herald.Redis.Commands;
using Herald.Tasks.Scheduling;
using Herald.TestKit;

namespace Herald.Tasks.Tests.Scheduling;

public sealed class PeriodicTaskSchedulerTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    // Thirty seconds past midnight: between ticks of every schedule below.
    private static readonly DateTimeOffset s_start = new(2030, 1, 1, 0, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset s_midnight = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task StartAsync_IntervalEntry_EnqueuesEachTickWhenItFallsDueAndNotBefore()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var poll = PeriodicSchedule.Every("poll", "feeds.poll", new AddArgs(1, 2), s_minute);
        var scheduler = await bench.StartSchedulerAsync(0, poll);

        (await bench.QueuedAsync()).Should().Be(0, "an entry no scheduler ran before starts with its next tick");
        // It sleeps until 00:01:00, so moving to 00:00:59 wakes nothing.
        bench.Clock.Advance(TimeSpan.FromSeconds(29));
        (await bench.QueuedAsync()).Should().Be(0, "00:00:59 is before the tick");
        scheduler.Sleeps.Should().Be(1);
        await bench.AdvanceAsync(TimeSpan.FromSeconds(1));
        (await bench.QueuedAsync()).Should().Be(1);
        (await bench.EnqueuedAsync(poll.TaskIdFor(s_midnight + s_minute))).Should().BeTrue();
        await bench.AdvanceAsync(s_minute);

        (await bench.QueuedAsync()).Should().Be(2);
        (await bench.EnqueuedAsync(poll.TaskIdFor(s_midnight + (2 * s_minute)))).Should().BeTrue();
        scheduler.Enqueued.Should().Be(2);
        scheduler.Duplicates.Should().Be(0);
    }

    [Fact]
    public async Task StartAsync_CronEntries_EnqueueAtTheirTicksOnTheirQueues()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var everyFive = PeriodicSchedule.Cron("five", "reports.make", 5, "*/5 * * * *", options: new TaskOptions { Queue = "minutes" });
        var everyTwenty = PeriodicSchedule.Cron("twenty", "feeds.poll", 20, "*/20 * * * * *", options: new TaskOptions { Queue = "seconds" });
        await bench.StartSchedulerAsync(0, everyFive, everyTwenty);

        for (var i = 0; i < 15; i++)
        {
            await bench.AdvanceAsync(TimeSpan.FromSeconds(20));
        }

        // 00:00:30 + 15 × 20 s = 00:05:30: seconds 40, 60, … 320 (15 ticks); minutes: 00:05 only.
        (await bench.QueuedAsync("seconds")).Should().Be(15);
        (await bench.QueuedAsync("minutes")).Should().Be(1);
        (await bench.EnqueuedAsync(everyFive.TaskIdFor(s_midnight.AddMinutes(5)), "minutes")).Should().BeTrue();
        (await bench.EnqueuedAsync(everyTwenty.TaskIdFor(s_midnight.AddSeconds(40)), "seconds")).Should().BeTrue();
        (await bench.EnqueuedAsync(everyTwenty.TaskIdFor(s_midnight.AddSeconds(320)), "seconds")).Should().BeTrue();
    }

    [Fact]
    public async Task ThreeSchedulers_OneRedis_EachTickEnqueuedAndRunExactlyOnce()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start, buses: 3);
        var runs = new ConcurrentDictionary<string, int>();
        await using var worker = await bench.Bus.CreateTaskWorker(options => options.Concurrency = 4)
            .Register<AddArgs>("feeds.poll", (_, context, _) => Count(runs, context))
            .Register<AddArgs>("reports.make", (_, context, _) => Count(runs, context))
            .StartAsync();
        PeriodicSchedule[] Entries() =>
        [
            PeriodicSchedule.Every("poll", "feeds.poll", new AddArgs(1, 0), s_minute),
            PeriodicSchedule.Cron("report", "reports.make", new AddArgs(2, 0), "*/2 * * * *"),
        ];
        var schedulers = new List<PeriodicTaskScheduler>();
        for (var bus = 0; bus < 3; bus++)
        {
            schedulers.Add(await bench.StartSchedulerAsync(bus, Entries()));
        }

        for (var i = 0; i < 6; i++)
        {
            await bench.AdvanceAsync(s_minute);
        }

        // Minutes 1..6: six polls; minutes 2, 4, 6: three reports.
        string[] expected =
        [
            .. Enumerable.Range(1, 6).Select(m => $"poll@{s_midnight.AddMinutes(m).ToUnixTimeSeconds()}"),
            .. new[] { 2, 4, 6 }.Select(m => $"report@{s_midnight.AddMinutes(m).ToUnixTimeSeconds()}"),
        ];
        await Wait.UntilAsync(() => runs.Count == expected.Length, because: "every tick is run");
        await Wait.UntilAsync(() => worker.Statistics.Succeeded == expected.Length, because: "every run finishes");
        runs.Keys.Should().BeEquivalentTo(expected);
        runs.Values.Should().OnlyContain(static n => n == 1, "each tick runs once");
        schedulers.Sum(static s => s.Enqueued).Should().Be(expected.Length, "one scheduler put each tick on the queue");
        schedulers.Sum(static s => s.Duplicates).Should().Be(2 * expected.Length, "the other two found it there");
        (await bench.QueuedAsync()).Should().Be(0);
    }

    [Fact]
    public async Task StartAsync_AfterDowntime_EnqueuesOnlyTheMostRecentMissedTick()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var poll = PeriodicSchedule.Every("poll", "feeds.poll", new AddArgs(1, 0), s_minute);
        var first = await bench.StartSchedulerAsync(0, poll);
        await bench.AdvanceAsync(TimeSpan.FromSeconds(30));
        (await bench.QueuedAsync()).Should().Be(1, "00:01 is enqueued");

        // Down from 00:01:00 to 00:06:30: ticks 00:02 … 00:06 are missed.
        await bench.StopSchedulerAsync(first);
        bench.Clock.Advance(TimeSpan.FromSeconds(330));
        var second = await bench.StartSchedulerAsync(0, poll);

        (await bench.QueuedAsync()).Should().Be(2, "of the missed ticks only the latest is enqueued, at start");
        (await bench.EnqueuedAsync(poll.TaskIdFor(s_midnight.AddMinutes(6)))).Should().BeTrue();
        (await bench.EnqueuedAsync(poll.TaskIdFor(s_midnight.AddMinutes(5)))).Should().BeFalse();
        await bench.AdvanceAsync(TimeSpan.FromSeconds(30));
        (await bench.QueuedAsync()).Should().Be(3, "then it goes on with 00:07");
        second.Enqueued.Should().Be(2);
    }

    [Fact]
    public async Task StartAsync_CrashedBeforeRecordingAnEnqueuedTick_TickNotEnqueuedAgain()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var poll = PeriodicSchedule.Every("poll", "feeds.poll", new AddArgs(1, 0), s_minute);
        var first = await bench.StartSchedulerAsync(0, poll);
        await bench.AdvanceAsync(TimeSpan.FromSeconds(30));
        await bench.StopSchedulerAsync(first);

        // As if the scheduler died between enqueueing 00:01 and recording it: Redis says the last tick was 00:00.
        await bench.Bus.Redis!.HashSetAsync(bench.Bus.Keys.PeriodicSchedule("poll"), "last", s_midnight.ToUnixTimeMilliseconds());
        bench.Clock.Advance(TimeSpan.FromSeconds(20));
        var second = await bench.StartSchedulerAsync(0, poll);

        second.Duplicates.Should().Be(1, "it tried 00:01 again and found it enqueued");
        second.Enqueued.Should().Be(0);
        (await bench.QueuedAsync()).Should().Be(1);
    }

    [Fact]
    public async Task StartAsync_ArgumentsChangedAfterStart_TicksCarryTheValuesAtStart()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var seen = new ConcurrentQueue<int>();
        await using var worker = await bench.Bus.CreateTaskWorker()
            .Register<MutableArgs>("feeds.poll", (args, _, _) => { seen.Enqueue(args.Value); return ValueTask.CompletedTask; })
            .StartAsync();
        var args = new MutableArgs { Value = 1 };
        await bench.StartSchedulerAsync(0, PeriodicSchedule.Every("poll", "feeds.poll", args, s_minute));

        args.Value = 2;
        await bench.AdvanceAsync(TimeSpan.FromSeconds(30));

        await Wait.UntilAsync(() => !seen.IsEmpty, because: "the tick runs");
        seen.Should().Equal(1);
    }

    [Fact]
    public async Task ListSchedulesAsync_BeforeAndAfterATick_ShowsLastAndNextTicks()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var tasks = bench.Bus.CreateTaskClient();
        await bench.StartSchedulerAsync(0, PeriodicSchedule.Every("poll", "feeds.poll", new AddArgs(1, 0), s_minute, new TaskOptions { Queue = "feeds" }));

        var announced = (await tasks.ListSchedulesAsync()).Should().ContainSingle().Subject;
        await bench.AdvanceAsync(TimeSpan.FromSeconds(30));
        var ticked = (await tasks.ListSchedulesAsync()).Should().ContainSingle().Subject;

        announced.Should().Be(new PeriodicScheduleInfo
        {
            Name = "poll", TaskName = "feeds.poll", Queue = "feeds", Schedule = "every 00:01:00", NextTick = s_midnight.AddMinutes(1),
        });
        ticked.Should().Be(announced with
        {
            LastTick = s_midnight.AddMinutes(1), LastTaskId = $"poll@{s_midnight.AddMinutes(1).ToUnixTimeSeconds()}", NextTick = s_midnight.AddMinutes(2),
        });
    }

    [Fact]
    public async Task StartAsync_InvalidSetup_ClearErrorsBeforeAnythingRuns()
    {
        await using var bench = await SchedulerBench.StartAsync(fixture, s_start);
        var poll = PeriodicSchedule.Every("poll", "feeds.poll", 1, s_minute);

        var twice = () => bench.Bus.CreateTaskScheduler().Add(poll).Add(PeriodicSchedule.Cron("poll", "other", 1, "* * * * *"));
        var empty = () => bench.Bus.CreateTaskScheduler().StartAsync();
        var unsendable = () => bench.Bus.CreateTaskScheduler().Add(PeriodicSchedule.Every("types", "t", typeof(int), s_minute)).StartAsync();
        var badOption = () => bench.Bus.CreateTaskScheduler(options => options.RetryDelay = TimeSpan.Zero).Add(poll).StartAsync();

        twice.Should().Throw<ArgumentException>().WithMessage("*'poll' was added already*");
        await empty.Should().ThrowAsync<InvalidOperationException>().WithMessage("*at least one*");
        await unsendable.Should().ThrowAsync<ArgumentException>().WithMessage("*arguments of periodic task 'types' cannot be sent*");
        await badOption.Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("RetryDelay");
    }

    private static ValueTask Count(ConcurrentDictionary<string, int> runs, TaskContext context)
    {
        runs.AddOrUpdate(context.TaskId, 1, static (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public sealed class MutableArgs
    {
        public int Value { get; set; }
    }
}
