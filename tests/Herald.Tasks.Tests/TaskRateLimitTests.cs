using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.RateLimiting;
using Herald.TestKit;

namespace Herald.Tasks.Tests;

public sealed class TaskRateLimitTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task Run_TwoWorkersShareATaskRateLimit_RunsSpacedByTheLimitAndNoAttemptSpent()
    {
        await using var bench = await fixture.StartAsync();
        var starts = new ConcurrentQueue<(long Timestamp, int Attempt)>();
        ValueTask Run(AddArgs _, TaskContext context, CancellationToken __)
        {
            starts.Enqueue((Stopwatch.GetTimestamp(), context.Attempt));
            return ValueTask.CompletedTask;
        }

        void Limited(TaskSettings settings) => settings.RateLimit = RateLimit.Parse("10/s");
        await using var first = await bench.Worker().Register<AddArgs>("sms.send", Run, Limited).StartAsync();
        await using var second = await bench.Worker().Register<AddArgs>("sms.send", Run, Limited).StartAsync();

        var handles = await bench.Tasks.EnqueueManyAsync("sms.send", [.. Enumerable.Range(0, 30).Select(static i => new AddArgs(i, 0))]);

        foreach (var handle in handles)
        {
            (await bench.Tasks.WaitAsync(handle.TaskId, TimeSpan.FromSeconds(30))).State.Should().Be(TaskState.Succeeded);
        }

        var runs = starts.OrderBy(static s => s.Timestamp).ToArray();
        runs.Should().HaveCount(30).And.OnlyContain(static s => s.Attempt == 1, "waiting for a permit spends no attempt");

        // 30 runs at 10/s with a burst of 1 take at least 2.9 s however the two workers interleave; an upper
        // bound on the rate, so a slow machine cannot fail it.
        Stopwatch.GetElapsedTime(runs[0].Timestamp, runs[^1].Timestamp).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2.8));
        (first.Statistics.Succeeded + second.Statistics.Succeeded).Should().Be(30);
        (first.Statistics.Failed + second.Statistics.Failed).Should().Be(0);
    }
}
