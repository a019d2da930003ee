using Herald.Hosting.Tasks;
using Herald.Tasks;
using Herald.Tasks.Scheduling;
using Herald.Tasks.Workers;
using Herald.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Hosting.Tests;

public sealed record Invoice(string Customer, decimal Amount);

/// <summary>A task resolved from DI, with a scoped dependency.</summary>
public sealed class TotalInvoice(ScopeProbe probe, Inbox inbox) : ITask<Invoice, string>
{
    public ValueTask<string> RunAsync(Invoice args, TaskContext context, CancellationToken cancellationToken)
    {
        inbox.Handled.Enqueue((args.Customer, probe));
        return ValueTask.FromResult($"{args.Customer}: {args.Amount:F2}");
    }
}

public sealed class HostedTaskWorkerTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task AddHeraldTaskWorker_ScopedTask_RunsEachTaskInItsOwnScopeAndStoresItsResult()
    {
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddScoped<ScopeProbe>()
            .AddSingleton<Inbox>()
            .AddScoped<TotalInvoice>()
            .AddHeraldTasks()
            .AddHeraldTaskWorker(Fast, static (provider, worker) => worker.RegisterScoped<TotalInvoice, Invoice, string>(provider, "billing.total")))).StartAsync();
        var tasks = host.Services.GetRequiredService<TaskClient>();
        var inbox = host.Services.GetRequiredService<Inbox>();

        var first = await tasks.EnqueueAsync("billing.total", new Invoice("acme", 12.5m));
        var second = await tasks.EnqueueAsync("billing.total", new Invoice("globex", 3m));

        (await tasks.GetResultAsync<string>(first.TaskId, Wait.DefaultTimeout)).Should().Be("acme: 12.50");
        (await tasks.GetResultAsync<string>(second.TaskId, Wait.DefaultTimeout)).Should().Be("globex: 3.00");
        inbox.Handled.Select(static h => h.Probe.Id).Should().OnlyHaveUniqueItems("each run has a scope of its own");
        await Wait.UntilAsync(() => inbox.Handled.All(static h => h.Probe.Disposed), because: "each scope is disposed after its run");
    }

    [Fact]
    public async Task AddHeraldTaskWorker_HostRunsAndStops_ConsumersJoinTheHostedOnesAndLeaveWithTheHost()
    {
        await using var host = TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldTaskWorker(options =>
            {
                Fast(options);
                options.Queues.Add("mail");
            }, static (_, worker) => worker.Register<int>("noop", static (_, _, _) => ValueTask.CompletedTask))));
        var hosted = host.Services.GetRequiredService<HostedConsumers>();

        await host.StartAsync();

        hosted.Consumers.Select(static c => c.Destination.Name).Should().BeEquivalentTo("default", "mail");
        await host.StopAsync();
        hosted.Consumers.Should().BeEmpty();
    }

    [Fact]
    public async Task AddHeraldTaskScheduler_EverySecondEntry_TheHostedWorkerRunsItsTicks()
    {
        var runs = 0;
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldTaskWorker(Fast, (_, worker) => worker.Register<int>("heartbeat.ping", (_, _, _) =>
            {
                Interlocked.Increment(ref runs);
                return ValueTask.CompletedTask;
            }))
            .AddHeraldTaskScheduler(null, static (_, scheduler) => scheduler.Add(PeriodicSchedule.Every("ping", "heartbeat.ping", 1, TimeSpan.FromSeconds(1)))))).StartAsync();

        await Wait.UntilAsync(() => Volatile.Read(ref runs) >= 2, because: "the hosted scheduler enqueues a tick every second and the hosted worker runs it");
    }

    private static void Fast(TaskWorkerOptions options)
    {
        options.Concurrency = 2;
        options.StopTimeout = TimeSpan.FromSeconds(5);
        options.ConfigureConsumer = static consumer => consumer.BlockTime = TimeSpan.FromMilliseconds(100);
    }
}
