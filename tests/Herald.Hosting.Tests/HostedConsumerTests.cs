using System.Collections.Concurrent;
using Herald.Consuming;
using Herald.Redis.Commands;
using Herald.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Hosting.Tests;

[HeraldMessage("test.hosting.order")]
public sealed record OrderPlaced(string OrderId);

/// <summary>A scoped service: one per message scope, disposed with it.</summary>
public sealed class ScopeProbe : IDisposable
{
    public Guid Id { get; } = Guid.NewGuid();

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

/// <summary>What the handlers saw, shared by the test and the host.</summary>
public sealed class Inbox
{
    public ConcurrentQueue<(string OrderId, ScopeProbe Probe)> Handled { get; } = new();
}

public sealed class RecordingHandler(ScopeProbe probe, Inbox inbox) : IMessageHandler<OrderPlaced>
{
    public ValueTask HandleAsync(MessageContext<OrderPlaced> context, CancellationToken cancellationToken)
    {
        inbox.Handled.Enqueue((context.Message.OrderId, probe));
        return ValueTask.CompletedTask;
    }
}

public sealed class HostedConsumerTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task AddHeraldConsumer_ScopedHandler_HandlesEachMessageInItsOwnScope()
    {
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddScoped<ScopeProbe>()
            .AddSingleton<Inbox>()
            .AddHeraldConsumer<RecordingHandler, OrderPlaced>(s_orders, TestHost.Fast))).StartAsync();
        var inbox = host.Services.GetRequiredService<Inbox>();

        await host.Client.PublishBatchAsync(s_orders, [new OrderPlaced("a"), new OrderPlaced("b"), new OrderPlaced("c")]);

        await Wait.UntilAsync(() => inbox.Handled.Count == 3, because: "the hosted consumer handles every message");
        inbox.Handled.Select(h => h.OrderId).Should().BeEquivalentTo("a", "b", "c");
        inbox.Handled.Select(h => h.Probe.Id).Should().OnlyHaveUniqueItems("each message has a scope of its own");
        await Wait.UntilAsync(() => inbox.Handled.All(h => h.Probe.Disposed), because: "each scope is disposed after its message");
    }

    [Fact]
    public async Task AddHeraldConsumer_DelegateHandler_GetsTheMessagesScope()
    {
        var seen = new ConcurrentQueue<(string OrderId, Guid Probe)>();
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddScoped<ScopeProbe>()
            .AddHeraldConsumer<OrderPlaced>(
                s_orders,
                (context, scope, _) =>
                {
                    seen.Enqueue((context.Message.OrderId, scope.GetRequiredService<ScopeProbe>().Id));
                    return ValueTask.CompletedTask;
                },
                options =>
                {
                    TestHost.Fast(options);
                    options.Group = "audit";
                }))).StartAsync();

        await host.Client.PublishAsync(s_orders, new OrderPlaced("x"));
        await host.Client.PublishAsync(s_orders, new OrderPlaced("y"));

        await Wait.UntilAsync(() => seen.Count == 2);
        seen.Select(s => s.OrderId).Should().BeEquivalentTo("x", "y");
        seen.Select(s => s.Probe).Should().OnlyHaveUniqueItems();
        host.Consumer.Group.Should().Be("audit");
    }

    [Fact]
    public async Task AddHeraldConsumer_BuilderForm_RoutesSeveralTypesOnOneStream()
    {
        var cancelled = new ConcurrentQueue<string>();
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddScoped<ScopeProbe>()
            .AddSingleton<Inbox>()
            .AddScoped<RecordingHandler>()
            .AddHeraldConsumer(s_orders, TestHost.Fast, (provider, consumer) => consumer
                .HandleScoped<RecordingHandler, OrderPlaced>(provider)
                .Handle<string>((context, _) => { cancelled.Enqueue(context.Message); return ValueTask.CompletedTask; }, type: "test.hosting.cancelled")))).StartAsync();

        await host.Client.PublishAsync(s_orders, new OrderPlaced("placed-1"));
        await host.Client.PublishAsync(s_orders, "cancelled-1", new PublishOptions { Type = "test.hosting.cancelled" });

        var inbox = host.Services.GetRequiredService<Inbox>();
        await Wait.UntilAsync(() => inbox.Handled.Count == 1 && cancelled.Count == 1);
        inbox.Handled.Single().OrderId.Should().Be("placed-1");
        cancelled.Should().Equal("cancelled-1");
    }

    [Fact]
    public async Task StopAsync_MessageInFlight_FinishesAndAcknowledgesItBeforeTheHostStops()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldConsumer<OrderPlaced>(s_orders, async (_, _, _) =>
            {
                started.TrySetResult();
                await release.Task;
                Interlocked.Exchange(ref finished, 1);
            }, TestHost.Fast))).StartAsync();
        var client = host.Client;
        var consumer = host.Consumer;
        await client.PublishAsync(s_orders, new OrderPlaced("slow"));
        await started.Task.WaitAsync(Wait.DefaultTimeout);

        var stopping = host.StopAsync();
        await Wait.UntilAsync(() => consumer.State == ConsumerState.Stopping, because: "the host asked the consumer to stop");
        stopping.IsCompleted.Should().BeFalse("the host waits for the message in flight");
        release.SetResult();
        await stopping.WaitAsync(Wait.DefaultTimeout);

        Volatile.Read(ref finished).Should().Be(1);
        consumer.State.Should().Be(ConsumerState.Stopped);
        (await client.Redis!.StreamPendingAsync(client.Keys.Stream("orders"), "default")).Count.Should().Be(0, "the finished message was acknowledged before the stop completed");
    }

    [Fact]
    public async Task StopAsync_HandlerRunsPastStopTimeout_CancelledAndHandedBackUnacknowledged()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldConsumer<OrderPlaced>(
                s_orders,
                async (_, _, cancellationToken) =>
                {
                    started.TrySetResult();
                    using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                },
                options =>
                {
                    TestHost.Fast(options);
                    options.StopTimeout = TimeSpan.FromMilliseconds(200);
                }))).StartAsync();
        var client = host.Client;
        var published = await client.PublishAsync(s_orders, new OrderPlaced("stuck"));
        await started.Task.WaitAsync(Wait.DefaultTimeout);

        await host.StopAsync().WaitAsync(Wait.DefaultTimeout);

        cancelled.Task.IsCompleted.Should().BeTrue("the handler's token is cancelled at the stop timeout");
        var pending = await client.Redis!.StreamPendingEntriesAsync(client.Keys.Stream("orders"), "default", 10);
        pending.Should().ContainSingle().Which.Id.Should().Be(published.EntryId, "an interrupted message stays pending for redelivery");
        (await client.Redis!.SortedSetLengthAsync(client.Keys.Retries("orders", "default"))).Should().Be(0, "a stop is not the message's failure: no retry is spent");
        (await client.Redis!.StreamLengthAsync(client.Keys.DeadLetters("orders"))).Should().Be(0);
    }

    [Fact]
    public async Task StartAsync_RedisUnreachable_HostFailsToStart()
    {
        var builder = TestHost.CreateBuilder($"redis://127.0.0.1:{FreePort.Next()}?connectTimeout=500ms", fixture.NewPrefix(), services => services
            .AddHeraldConsumer<OrderPlaced>(s_orders, (_, _, _) => ValueTask.CompletedTask, TestHost.Fast));
        await using var host = TestHost.Build(builder);

        var start = () => host.StartAsync();

        await start.Should().ThrowAsync<Herald.Redis.RedisConnectionException>();
        host.Services.GetRequiredService<HostedConsumers>().Consumers.Should().BeEmpty();
    }
}
