using Herald.TestKit;

namespace Herald.Tasks.Tests;

/// <summary>A Redis restart (with an append-only file) while tasks run and clients wait for them.</summary>
public sealed class TaskRestartTests(DurableTaskFixture fixture) : IClassFixture<DurableTaskFixture>
{
    [Fact]
    public async Task Run_RedisRestartedWhileTasksRun_EveryTaskCompletesAndWaitersGetTheirResults()
    {
        await using var bench = await fixture.StartAsync();
        const int total = 24;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await bench.Worker(options => options.Concurrency = 4)
            .Register<AddArgs, int>("sum", async (args, _, cancellationToken) =>
            {
                await gate.Task.WaitAsync(cancellationToken);
                return args.X + args.Y;
            })
            .StartAsync();

        var handles = await bench.Tasks.EnqueueManyAsync("sum", [.. Enumerable.Range(0, total).Select(static n => new AddArgs(n, 1000))]);
        var results = handles.Select(h => bench.Tasks.GetResultAsync<int>(h.TaskId, TimeSpan.FromSeconds(60)).AsTask()).ToArray();
        await Wait.UntilAsync(() => worker.Statistics.Running == 4, because: "four tasks run and the rest wait in the queue");

        await fixture.Server.RestartAsync();
        gate.SetResult();

        (await Task.WhenAll(results)).Should().Equal(Enumerable.Range(1000, total), "each waiter gets its task's result across the restart");
        var infos = await Task.WhenAll(handles.Select(h => h.GetInfoAsync().AsTask()));
        infos.Should().OnlyContain(static info => info.State == TaskState.Succeeded && info.Attempt == 1,
            "the restart lost neither the running tasks nor the waiting ones, and failed none of them");
        (await bench.DrainedAsync("default")).DeadLetters.Should().Be(0);
    }
}
