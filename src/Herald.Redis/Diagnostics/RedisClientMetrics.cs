using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Herald.Redis.Diagnostics;

/// <summary>
/// The client's instruments on <c>Meter("Herald.Redis")</c>. Each hot-path call checks
/// <see cref="Instrument.Enabled"/> first, so an application that collects nothing pays nothing.
/// </summary>
public static class RedisClientMetrics
{
    /// <summary>The meter name to enable in OpenTelemetry (<c>AddMeter("Herald.Redis")</c>).</summary>
    public const string MeterName = "Herald.Redis";

    private static readonly Meter s_meter = new(MeterName, typeof(RedisClientMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly Counter<long> s_commands = s_meter.CreateCounter<long>(
        "herald.redis.commands", "{command}", "Commands completed with a reply (including error replies).");

    private static readonly Counter<long> s_errors = s_meter.CreateCounter<long>(
        "herald.redis.errors", "{error}", "Commands that failed: server errors by kind, timeouts, lost connections.");

    private static readonly Counter<long> s_reconnects = s_meter.CreateCounter<long>(
        "herald.redis.reconnects", "{connection}", "Connections re-established after a failure.");

    private static readonly UpDownCounter<long> s_inFlight = s_meter.CreateUpDownCounter<long>(
        "herald.redis.commands.in_flight", "{command}", "Commands written or queued and waiting for a reply.");

    private static readonly Histogram<double> s_roundTrip = s_meter.CreateHistogram<double>(
        "herald.redis.command.duration", "s", "Time from queuing a command to its reply.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });

    private static readonly Counter<long> s_droppedPushes = s_meter.CreateCounter<long>(
        "herald.redis.pushes.dropped", "{message}", "Out-of-band pushes nobody subscribed to, and messages dropped from full subscription buffers.");

    internal static void CommandQueued()
    {
        if (s_inFlight.Enabled)
        {
            s_inFlight.Add(1);
        }
    }

    internal static void CommandReleased()
    {
        if (s_inFlight.Enabled)
        {
            s_inFlight.Add(-1);
        }
    }

    internal static void CommandCompleted(TimeProvider time, long startTimestamp)
    {
        if (s_commands.Enabled)
        {
            s_commands.Add(1);
        }

        if (s_roundTrip.Enabled)
        {
            s_roundTrip.Record(time.GetElapsedTime(startTimestamp).TotalSeconds);
        }
    }

    internal static void CommandFailed(string kind)
    {
        if (s_errors.Enabled)
        {
            s_errors.Add(1, new KeyValuePair<string, object?>("error.type", kind));
        }
    }

    internal static void ServerError(RedisErrorKind kind)
    {
        if (s_errors.Enabled)
        {
            s_errors.Add(1, new KeyValuePair<string, object?>("error.type", kind.ToString()));
        }
    }

    internal static void Reconnected(RedisEndpoint endpoint)
    {
        if (s_reconnects.Enabled)
        {
            s_reconnects.Add(1, new TagList { { "server.address", endpoint.Host }, { "server.port", endpoint.Port } });
        }
    }

    internal static void PushDropped(string reason)
    {
        if (s_droppedPushes.Enabled)
        {
            s_droppedPushes.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
