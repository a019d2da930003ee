using System.Diagnostics.Metrics;
using Herald.Consuming;
using Herald.Diagnostics;
using Herald.Hosting.Monitoring;
using Herald.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Hosting.Tests;

public sealed class LagMonitorTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Gauges_StreamBacklogThenConsumed_MoveWithItAndReturnToZero()
    {
        var stream = Destination.Stream(UniqueName("orders"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services.AddHeraldConsumer<OrderPlaced>(
            stream, async (_, _, _) => await gate.Task, OneAtATime("billing")))).StartAsync();
        using var gauges = new GaugeReader();

        await host.Client.PublishBatchAsync(stream, Enumerable.Range(0, 10).Select(i => new OrderPlaced($"o-{i}")));

        await Wait.UntilAsync(
            () => gauges.Read("herald.consumer.pending", stream, "billing") >= 1
                && gauges.Read("herald.consumer.lag", stream, "billing") + gauges.Read("herald.consumer.pending", stream, "billing") == 10
                && gauges.Read("herald.message.oldest_age", stream, "billing") > 0,
            because: "the sampled figures show the backlog: one held, the rest waiting, the oldest aging");
        gauges.Read("herald.queue.length", stream, "billing").Should().BeNull("a stream group has no queue length");

        gate.SetResult();

        await Wait.UntilAsync(
            () => gauges.Read("herald.consumer.lag", stream, "billing") == 0
                && gauges.Read("herald.consumer.pending", stream, "billing") == 0
                && gauges.Read("herald.message.oldest_age", stream, "billing") == 0,
            because: "the backlog was consumed");
    }

    [Fact]
    public async Task Gauges_QueueBacklogThenConsumed_ReportLengthAndInFlight()
    {
        var queue = Destination.Queue(UniqueName("emails"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services.AddHeraldConsumer<OrderPlaced>(
            queue, async (_, _, _) => await gate.Task, OneAtATime("default")))).StartAsync();
        using var gauges = new GaugeReader();

        await host.Client.PublishBatchAsync(queue, Enumerable.Range(0, 6).Select(i => new OrderPlaced($"e-{i}")));

        await Wait.UntilAsync(
            () => gauges.Read("herald.consumer.pending", queue) >= 1
                && gauges.Read("herald.queue.length", queue) + gauges.Read("herald.consumer.pending", queue) == 6
                && gauges.Read("herald.consumer.lag", queue) == gauges.Read("herald.queue.length", queue)
                && gauges.Read("herald.message.oldest_age", queue) > 0,
            because: "a queue's waiting messages are its length and its lag; what the consumer took is in flight");

        gate.SetResult();

        await Wait.UntilAsync(
            () => gauges.Read("herald.queue.length", queue) == 0 && gauges.Read("herald.consumer.pending", queue) == 0
                && gauges.Read("herald.message.oldest_age", queue) == 0,
            because: "the queue was drained");
    }

    [Fact]
    public async Task HealthCheck_PausedGroupLagAboveThreshold_DegradedThenHealthyAfterResume()
    {
        var stream = Destination.Stream(UniqueName("orders"));
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services.AddHeraldConsumer<OrderPlaced>(
            stream, (_, _, _) => ValueTask.CompletedTask, OneAtATime("billing")), maxLag: 5)).StartAsync();
        var inspector = host.Client.CreateInspector();
        await inspector.PauseAsync(stream, "billing");
        await Wait.UntilAsync(() => host.Consumer.State == ConsumerState.Paused, because: "the consumer sees the cluster-wide pause");

        await host.Client.PublishBatchAsync(stream, Enumerable.Range(0, 12).Select(i => new OrderPlaced($"o-{i}")));

        HealthReportEntry entry = default;
        await Wait.UntilAsync(async () => (entry = await CheckAsync(host)).Status == HealthStatus.Degraded, because: "the paused group's lag passes 5");
        entry.Description.Should().MatchRegex($@"^{stream} \(group billing\) lags \d+ messages \(threshold 5\)\.$");
        entry.Data[$"{stream}/billing:lag"].Should().BeOfType<long>().Which.Should().BeGreaterThan(5);
        entry.Data.Should().ContainKey($"{stream}/billing:pending").And.ContainKey($"{stream}/billing:oldest_age_seconds");

        await inspector.ResumeAsync(stream, "billing");

        await Wait.UntilAsync(async () => (entry = await CheckAsync(host)).Status == HealthStatus.Healthy, because: "the group caught up after resuming");
        entry.Data[$"{stream}/billing:lag"].Should().Be(0L);
    }

    [Fact]
    public async Task HealthCheck_OldestMessageOlderThanThreshold_Degraded()
    {
        var queue = Destination.Queue(UniqueName("emails"));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services
            .AddHeraldConsumer<OrderPlaced>(queue, async (_, _, _) => await gate.Task, OneAtATime("default"))
            .ConfigureHeraldMonitoring(options => options.MaxOldestAge = TimeSpan.FromMilliseconds(300)))).StartAsync();

        await host.Client.PublishAsync(queue, new OrderPlaced("slow"));

        HealthReportEntry entry = default;
        await Wait.UntilAsync(async () => (entry = await CheckAsync(host)).Status == HealthStatus.Degraded, because: "the held message ages past 300 ms");
        entry.Description.Should().MatchRegex($@"^{queue} has an unfinished message [\d.]+ s old \(threshold 0\.3 s\)\.$");

        gate.SetResult();
        await Wait.UntilAsync(async () => (await CheckAsync(host)).Status == HealthStatus.Healthy, because: "the message was finished");
    }

    [Fact]
    public async Task Monitor_RedisUnreachable_KeepsLastFiguresMarkedStaleThenRecovers()
    {
        var stream = Destination.Stream(UniqueName("orders"));
        await using var proxy = await FaultProxy.StartAsync(fixture.Server.Host, fixture.Server.Port);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.Build(Monitored($"redis://{proxy.Host}:{proxy.Port}?timeout=500ms", services => services.AddHeraldConsumer<OrderPlaced>(
            stream, async (_, _, _) => await gate.Task, OneAtATime("billing")))).StartAsync();
        var monitor = host.Services.GetRequiredService<HeraldLagMonitor>();
        using var gauges = new GaugeReader();
        await host.Client.PublishBatchAsync(stream, Enumerable.Range(0, 4).Select(i => new OrderPlaced($"o-{i}")));
        await Wait.UntilAsync(() => gauges.Read("herald.consumer.lag", stream, "billing") == 3, because: "one is held, three wait");

        proxy.Blackhole();

        await Wait.UntilAsync(() => monitor.Current!.IsStale, because: "sampling times out against a silent Redis");
        var stale = monitor.Current!;
        stale.HasSample.Should().BeTrue("a failed sample keeps the last good figures");
        stale.Figures.Should().ContainSingle(f => f.Destination == stream && f.Group == "billing").Which.Lag.Should().Be(3);
        stale.FailedAt.Should().BeAfter(stale.SampledAt);
        stale.Error.Should().NotBeNullOrEmpty();
        gauges.Read("herald.consumer.lag", stream, "billing").Should().Be(3, "the gauges go on reporting the last good figures");
        var entry = await CheckAsync(host);
        entry.Status.Should().NotBe(HealthStatus.Healthy);
        entry.Description.Should().Contain("Lag figures are stale: sampling failed (");
        entry.Data.Should().ContainKey("lag:stale");

        proxy.Heal();
        gate.SetResult();

        await Wait.UntilAsync(() => monitor.Current is { IsStale: false, Error: null } && gauges.Read("herald.consumer.lag", stream, "billing") == 0,
            because: "sampling works again once Redis answers, and the backlog drains");
    }

    [Fact]
    public async Task Monitor_AllDestinations_ReportsGroupsAndQueuesThisHostDoesNotConsume()
    {
        var stream = Destination.Stream(UniqueName("audit"));
        var queue = Destination.Queue(UniqueName("reports"));
        var prefix = fixture.NewPrefix();
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services
            .ConfigureHeraldMonitoring(options => options.AllDestinations = true), prefix: prefix)).StartAsync();
        using var gauges = new GaugeReader();
        await using (var consumer = await host.Client.Consume(stream, o => { o.Group = "archive"; o.StartFrom = "0"; })
            .Handle<OrderPlaced>((_, _) => ValueTask.CompletedTask).StartAsync())
        {
            await consumer.StopAsync();
        }

        await host.Client.PublishBatchAsync(stream, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"a-{i}")));
        await host.Client.PublishBatchAsync(queue, Enumerable.Range(0, 2).Select(i => new OrderPlaced($"r-{i}")));

        await Wait.UntilAsync(
            () => gauges.Read("herald.consumer.lag", stream, "archive") == 3 && gauges.Read("herald.queue.length", queue) == 2,
            because: "every registered stream group and queue is sampled, consumed here or not");
    }

    [Fact]
    public async Task Monitor_Disabled_ReportsNothingAndHealthIgnoresLag()
    {
        var stream = Destination.Stream(UniqueName("orders"));
        await using var host = await TestHost.Build(Monitored(fixture.Url, services => services
            .AddHeraldConsumer<OrderPlaced>(stream, (_, _, _) => ValueTask.CompletedTask, TestHost.Fast)
            .ConfigureHeraldMonitoring(options => options.Enabled = false), maxLag: 0)).StartAsync();

        var entry = await CheckAsync(host);

        host.Services.GetRequiredService<HeraldLagMonitor>().Current.Should().BeNull();
        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Data.Keys.Should().NotContain(key => key.StartsWith("lag:", StringComparison.Ordinal) || key.EndsWith(":lag", StringComparison.Ordinal));
    }

    [Fact]
    public void AddHerald_MonitoringSection_BindsEverySetting()
    {
        var builder = TestHost.CreateBuilder("""
            { "Herald": { "Monitoring": { "Enabled": false, "SampleInterval": "00:00:30", "AllDestinations": true, "MaxLag": 500, "MaxOldestAge": "00:02:00" } } }
            """);
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<HeraldMonitoringOptions>>().Value;

        (options.Enabled, options.SampleInterval, options.AllDestinations, options.MaxLag, options.MaxOldestAge)
            .Should().Be((false, TimeSpan.FromSeconds(30), true, 500L, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void AddHerald_NoMonitoringSection_DefaultsSampleEvery10sWithLagThreshold10000()
    {
        var builder = TestHost.CreateBuilder("""{ "Herald": { "KeyPrefix": "shop" } }""");
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<HeraldMonitoringOptions>>().Value;

        (options.Enabled, options.SampleInterval, options.AllDestinations, options.MaxLag, options.MaxOldestAge)
            .Should().Be((true, TimeSpan.FromSeconds(10), false, 10_000L, (TimeSpan?)null));
    }

    [Theory]
    [InlineData("""{ "SampleInterval": "00:00:00.010" }""", "Herald:Monitoring:SampleInterval must be between 00:00:00.050 and 01:00:00 (it is 00:00:00.0100000).")]
    [InlineData("""{ "MaxLag": -1 }""", "Herald:Monitoring:MaxLag must be 0 or more, or empty for no threshold (it is -1).")]
    [InlineData("""{ "MaxOldestAge": "00:00:00" }""", "Herald:Monitoring:MaxOldestAge must be positive, or empty for no threshold (it is 00:00:00).")]
    [InlineData("""{ "MaxLag": "lots" }""", "Herald:Monitoring:MaxLag must be a whole number (it is 'lots').")]
    [InlineData("""{ "Interval": "00:00:05" }""", "Herald:Monitoring:Interval is not a setting of monitoring (known: *")]
    public async Task StartAsync_InvalidMonitoringSetting_FailsWithTheSettingsPath(string section, string expected)
    {
        var builder = TestHost.CreateBuilder($$"""{ "Herald": { "Monitoring": {{section}} } }""");
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        await using var host = TestHost.Build(builder);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Match(expected);
    }

    [Fact]
    public void Instruments_CreatedOncePerProcess_NamedAfterTheFiguresWithUnits()
    {
        LagInstruments.Instruments.Select(static i => (i.Name, i.Unit, i.Meter.Name)).Should().Equal(
            ("herald.consumer.lag", "{message}", HeraldDiagnostics.Name),
            ("herald.consumer.pending", "{message}", HeraldDiagnostics.Name),
            ("herald.queue.length", "{message}", HeraldDiagnostics.Name),
            ("herald.message.oldest_age", "s", HeraldDiagnostics.Name));
        LagInstruments.Instruments.Should().BeSameAs(LagInstruments.Instruments);
    }

    // Unique names: every monitor in this process reports through the same gauges.
    private static string UniqueName(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    private static Action<ConsumerOptions> OneAtATime(string group) => options =>
    {
        TestHost.Fast(options);
        options.Group = group;
        options.Concurrency = 1;
        options.Prefetch = 1;
        options.HandlerTimeout = Timeout.InfiniteTimeSpan;
    };

    private static HostApplicationBuilder Monitored(string redisUrl, Action<IServiceCollection> configure, long? maxLag = 10_000, string? prefix = null)
    {
        var builder = TestHost.CreateBuilder(redisUrl, prefix ?? $"t:{Guid.NewGuid():N}", services =>
        {
            services.ConfigureHeraldMonitoring(options =>
            {
                options.SampleInterval = s_interval;
                options.MaxLag = maxLag;
            });
            configure(services);
        });
        builder.Services.AddHealthChecks().AddHerald();
        return builder;
    }

    private static async Task<HealthReportEntry> CheckAsync(TestHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["herald"];
    }

    /// <summary>Reads the lag gauges the way an exporter does: <see cref="MeterListener.RecordObservableInstruments"/> on demand.</summary>
    private sealed class GaugeReader : IDisposable
    {
        private static readonly string[] s_names = ["herald.consumer.lag", "herald.consumer.pending", "herald.queue.length", "herald.message.oldest_age"];

        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();
        private readonly Dictionary<(string Name, string Destination, string? Group), double> _values = [];

        public GaugeReader()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == HeraldDiagnostics.Meter && s_names.Contains(instrument.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        /// <summary>The gauge's current value for the destination and group (tagged <c>messaging.system=redis</c> and the destination's kind); null when it reports none.</summary>
        public double? Read(string name, Destination destination, string? group = null)
        {
            lock (_lock)
            {
                _values.Clear();
            }

            _listener.RecordObservableInstruments();
            lock (_lock)
            {
                return _values.TryGetValue((name, destination.ToString(), group), out var value) ? value : null;
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? name = null;
            string? kind = null;
            string? group = null;
            string? system = null;
            foreach (var (key, tag) in tags)
            {
                switch (key)
                {
                    case "messaging.destination.name": name = tag as string; break;
                    case "herald.destination.kind": kind = tag as string; break;
                    case "messaging.consumer.group.name": group = tag as string; break;
                    case "messaging.system": system = tag as string; break;
                }
            }

            // A measurement without the conventional attributes is not found by Read, so the test waiting for it fails.
            if (system == "redis" && kind is not null && name is not null)
            {
                lock (_lock)
                {
                    _values[(instrument.Name, $"{kind}:{name}", group)] = value;
                }
            }
        }
    }
}
