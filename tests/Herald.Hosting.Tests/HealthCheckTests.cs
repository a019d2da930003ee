using Herald.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Hosting.Tests;

public sealed class HealthCheckTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");

    [Fact]
    public async Task AddHerald_RedisUpAndConsumerIdle_Healthy()
    {
        await using var host = await TestHost.Build(WithHealthChecks(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldConsumer<OrderPlaced>(s_orders, (_, _, _) => ValueTask.CompletedTask, TestHost.Fast)))).StartAsync();

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy, entry.Description);
        entry.Description.Should().Be("Redis answers; 1 hosted consumers make progress.");
        entry.Data["redis"].Should().BeOfType<string>().Which.Should().StartWith("PONG in ");
        entry.Data.Should().ContainKey($"stream:orders/default/{host.Consumer.Name}").WhoseValue.Should().Be("Idle.");
    }

    [Fact]
    public async Task AddHerald_HostNotStarted_UnhealthyNotConnected()
    {
        await using var host = TestHost.Build(WithHealthChecks(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), _ => { })));

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().StartWith("Herald is not connected");
    }

    [Fact]
    public async Task AddHerald_RedisStops_UnhealthyWithTheError()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await TestHost.Build(WithHealthChecks(TestHost.CreateBuilder(server.Url + "?timeout=500ms", fixture.NewPrefix(), _ => { }))).StartAsync();
        (await CheckAsync(host)).Status.Should().Be(HealthStatus.Healthy);

        await server.StopAsync();

        var entry = await CheckAsync(host);
        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().StartWith("Redis does not answer PING");
    }

    [Fact]
    public async Task AddHerald_ConsumerStuckWithWorkWaiting_UnhealthyThenHealthyOnceItProgresses()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(WithHealthChecks(TestHost.CreateBuilder(fixture.Url, fixture.NewPrefix(), services => services
            .AddHeraldConsumer<OrderPlaced>(
                s_orders,
                async (_, _, _) => await release.Task,
                options =>
                {
                    TestHost.Fast(options);
                    options.LivenessThreshold = TimeSpan.FromMilliseconds(300);
                    options.HandlerTimeout = Timeout.InfiniteTimeSpan;
                })))).StartAsync();
        await host.Client.PublishAsync(s_orders, new OrderPlaced("stuck"));

        HealthReportEntry entry = default;
        await Wait.UntilAsync(async () => (entry = await CheckAsync(host)).Status == HealthStatus.Unhealthy, because: "work waits and nothing finishes");
        entry.Description.Should().Contain("Consumer ").And.Contain("of stream:orders (group default): Work is waiting and nothing was finished");

        release.SetResult();
        await Wait.UntilAsync(async () => (await CheckAsync(host)).Status == HealthStatus.Healthy, because: "the consumer finished its work");
    }

    private static Microsoft.Extensions.Hosting.HostApplicationBuilder WithHealthChecks(Microsoft.Extensions.Hosting.HostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddHerald();
        return builder;
    }

    private static async Task<HealthReportEntry> CheckAsync(TestHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["herald"];
    }
}
