using Herald.TestKit;

namespace Herald.Tasks.Tests.Scheduling;

public sealed class UniqueEnqueueTests(TaskFixture fixture) : IClassFixture<TaskFixture>
{
    [Fact]
    public async Task EnqueueAsync_SameTaskIdWithinUniqueFor_SecondReportedDuplicateAndTaskRunsOnce()
    {
        await using var bench = await fixture.StartAsync();
        var runs = 0;
        await using var worker = await bench.Worker()
            .Register<AddArgs>("invoice.send", (_, _, _) => { Interlocked.Increment(ref runs); return ValueTask.CompletedTask; })
            .StartAsync();
        var options = new TaskOptions { TaskId = "invoice-42", UniqueFor = TimeSpan.FromMinutes(10) };

        var first = await bench.Tasks.EnqueueAsync("invoice.send", new AddArgs(4, 2), options);
        var second = await bench.Tasks.EnqueueAsync("invoice.send", new AddArgs(4, 2), options);

        first.Duplicate.Should().BeFalse();
        second.Duplicate.Should().BeTrue();
        second.TaskId.Should().Be(first.TaskId, "the handle follows the task enqueued first");
        (await bench.FinishedAsync(first)).State.Should().Be(TaskState.Succeeded);
        (await bench.Tasks.EnqueueAsync("invoice.send", new AddArgs(4, 2), options)).Duplicate.Should().BeTrue("the window outlasts the run");
        await Wait.UntilAsync(() => worker.Statistics.Succeeded == 1);
        Volatile.Read(ref runs).Should().Be(1);
    }

    [Fact]
    public async Task EnqueueAsync_UniqueForWithoutTaskId_ArgumentException()
    {
        await using var bench = await fixture.StartAsync();

        var enqueue = async () => await bench.Tasks.EnqueueAsync("invoice.send", new AddArgs(1, 1), new TaskOptions { UniqueFor = TimeSpan.FromMinutes(1) });

        await enqueue.Should().ThrowAsync<ArgumentException>().WithMessage("*needs a TaskId*");
    }
}
