using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Herald.Redis.Commands;
using Herald.Redis.Diagnostics;
using Herald.TestKit;
using Microsoft.Extensions.Logging;

namespace Herald.Redis.Tests.Diagnostics;

// Metrics are process-wide: these tests run alone, after the parallel ones, so other tests' commands
// cannot move the figures.
[CollectionDefinition(nameof(ClientMetricsCollection), DisableParallelization = true)]
public sealed class ClientMetricsCollection;

[Collection(nameof(ClientMetricsCollection))]
public sealed class ClientMetricsTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Meter_CommandsErrorsAndReconnects_RecordedOnHeraldRedisInstruments()
    {
        using var recorder = new MeterRecorder(RedisClientMetrics.MeterName);
        var options = RedisOptions.Parse(fixture.Url);
        options.ClientName = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(10);
        await using var redis = await RedisClient.ConnectAsync(options);
        var key = fixture.NewPrefix() + "k";

        for (var i = 0; i < 10; i++)
        {
            await redis.StringSetAsync(key, i);
        }

        await FluentActions.Awaiting(async () => await redis.ExecuteAsync("NOSUCHCOMMAND")).Should().ThrowAsync<RedisServerException>();

        recorder.Sum("herald.redis.commands").Should().BeGreaterThanOrEqualTo(10);
        recorder.Count("herald.redis.command.duration").Should().BeGreaterThanOrEqualTo(10, "every reply records its round trip");
        recorder.Tags("herald.redis.errors").Should().Contain(tag => Equals(tag.Value, "server_error"));

        await fixture.Server.CliAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await redis.PingAsync();
                return recorder.Sum("herald.redis.reconnects") >= 1;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, because: "the client reconnects and counts it");

        await Wait.UntilAsync(() => recorder.Sum("herald.redis.commands.in_flight") == 0, because: "every command left the in-flight count");
    }

    [Fact]
    public async Task Logging_ConnectAndConnectionLost_UseStableEventIds()
    {
        var events = new ConcurrentQueue<EventId>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new CollectingProvider(events)).SetMinimumLevel(LogLevel.Debug));
        var options = RedisOptions.Parse(fixture.Url);
        options.LoggerFactory = loggers;
        options.ReconnectMinDelay = TimeSpan.FromMilliseconds(10);
        options.ClientName = "logging-" + Guid.NewGuid().ToString("N")[..8];
        await using var redis = await RedisClient.ConnectAsync(options);
        await fixture.Server.CliAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        await Wait.UntilAsync(() => events.Any(e => e.Id == 1003), because: "the reconnect is logged");

        events.Select(e => (e.Id, e.Name)).Should().Contain([(1000, "Connected"), (1001, "ConnectionLost"), (1003, "Reconnected")]);
    }

    private sealed class MeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public MeterRecorder(string meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public double Sum(string name) => _measurements.Where(m => m.Name == name).Sum(m => m.Value);

        public int Count(string name) => _measurements.Count(m => m.Name == name);

        public IEnumerable<KeyValuePair<string, object?>> Tags(string name) => _measurements.Where(m => m.Name == name).SelectMany(m => m.Tags);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class CollectingProvider(ConcurrentQueue<EventId> events) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(events);

        public void Dispose()
        {
        }

        private sealed class Collector(ConcurrentQueue<EventId> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                events.Enqueue(eventId);
        }
    }
}
