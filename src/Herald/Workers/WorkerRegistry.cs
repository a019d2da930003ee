using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Herald.Consuming;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Microsoft.Extensions.Logging;

namespace Herald.Workers;

/// <summary>
/// Announces a client that runs consumers in the worker registry and flushes its throughput counts to the
/// history, from one background loop that ticks every <see cref="HeraldOptions.WorkerHeartbeatInterval"/>.
/// </summary>
/// <remarks>
/// The loop starts when the client is built, not with its first consumer: a client that only publishes has
/// throughput to flush too. A tick with nothing to say sends nothing, so a client that never consumes nor
/// publishes costs Redis nothing. A client is listed only while it runs consumers; disposing it removes its
/// entry at once, and the entry of a process that died expires by itself
/// <see cref="WorkerFields.ExpireAfterIntervals"/> intervals after its last heartbeat.
/// </remarks>
internal sealed class WorkerRegistry : IAsyncDisposable
{
    private static readonly TimeSpan s_finishTimeout = TimeSpan.FromSeconds(5);
    private static readonly string s_version = HeraldVersion();

    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<Consumer, Tracked> _consumers = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _host = Environment.MachineName;
    private readonly long _started;
    private long _retiredProcessed;
    private long _retiredFailed;
    private bool _announced;
    private Task _loop = Task.CompletedTask;
    private int _stopped;

    public WorkerRegistry(RedisClient redis, KeySchema keys, HeraldOptions options, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _interval = options.WorkerHeartbeatInterval;
        _time = options.TimeProvider;
        _logger = logger;
        _started = _time.GetUtcNow().ToUnixTimeMilliseconds();

        // Host and pid make the id readable in a listing; the random part keeps two clients of one process,
        // or a reused pid after a crash, apart.
        Id = $"{KeySchema.EscapeName(_host)}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
        Throughput = new ThroughputRecorder(redis, keys, options.ThroughputRetention, _time);
    }

    /// <summary>This worker's id in the registry.</summary>
    public string Id { get; }

    /// <summary>The in-memory throughput counts that each tick flushes.</summary>
    public ThroughputRecorder Throughput { get; }

    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Starts reporting a consumer; it is forgotten at the first tick after it stopped, with its final counts.</summary>
    public void Track(Consumer consumer, int concurrency)
    {
        lock (_lock)
        {
            if (consumer.State != ConsumerState.Stopped)
            {
                _consumers.TryAdd(consumer, new Tracked(concurrency));
            }
        }
    }

    /// <summary>One tick of the loop: flush throughput, then announce this worker (or withdraw it when it runs no consumer).</summary>
    internal async ValueTask TickAsync(CancellationToken cancellationToken)
    {
        var running = Collect(out var processed, out var failed);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (running.Count > 0)
        {
            try
            {
                await AnnounceAsync(running, processed, failed, cancellationToken).ConfigureAwait(false);
                _announced = true;
            }
            catch (Exception exception) when (IsFailure(exception, cancellationToken))
            {
                WorkerLog.HeartbeatFailed(_logger, Id, _interval, exception);
            }
        }
        else if (_announced)
        {
            await WithdrawAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the loop as a killed process would: nothing flushed, the entry left to expire. For tests.</summary>
    internal async ValueTask AbandonAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await StopLoopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the loop, flushes the last counts and removes this worker from the registry.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await StopLoopAsync().ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(s_finishTimeout, _time);
        _ = Collect(out _, out _);
        await FlushAsync(deadline.Token).ConfigureAwait(false);
        if (_announced)
        {
            await WithdrawAsync(deadline.Token).ConfigureAwait(false);
        }
    }

    private static bool IsFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OutOfMemoryException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static string HeraldVersion()
    {
        var version = typeof(WorkerRegistry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(WorkerRegistry).Assembly.GetName().Version?.ToString()
            ?? "unknown";

        // Build metadata (+commit) makes a listing wide without telling an operator which release runs.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }

    private async Task StopLoopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                await TickAsync(token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // Hands the consumers' new counts to the throughput history, forgets consumers that stopped (keeping
    // their totals) and returns a snapshot of the running ones with this worker's totals.
    private List<ConsumerSnapshot> Collect(out long processed, out long failed)
    {
        var running = new List<ConsumerSnapshot>();
        lock (_lock)
        {
            processed = 0;
            failed = 0;
            List<Consumer>? retired = null;
            foreach (var (consumer, tracked) in _consumers)
            {
                // The state is read first: a consumer already stopped then has final counts.
                var state = consumer.State;
                var consumerProcessed = consumer.Statistics.Processed;
                var consumerFailed = consumer.Statistics.Failed;
                Throughput.AddConsumed(consumer.Destination, consumerProcessed - tracked.Processed, consumerFailed - tracked.Failed);
                tracked.Processed = consumerProcessed;
                tracked.Failed = consumerFailed;
                if (state == ConsumerState.Stopped)
                {
                    _retiredProcessed += consumerProcessed;
                    _retiredFailed += consumerFailed;
                    (retired ??= []).Add(consumer);
                    continue;
                }

                processed += consumerProcessed;
                failed += consumerFailed;
                running.Add(new ConsumerSnapshot(consumer, state, tracked.Concurrency, consumer.InFlight, consumerProcessed, consumerFailed));
            }

            foreach (var consumer in retired ?? [])
            {
                _consumers.Remove(consumer);
            }

            processed += _retiredProcessed;
            failed += _retiredFailed;
        }

        return running;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Throughput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsFailure(exception, cancellationToken))
        {
            WorkerLog.FlushFailed(_logger, Id, exception);
        }
    }

    private async ValueTask AnnounceAsync(List<ConsumerSnapshot> running, long processed, long failed, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = (long)(_interval.TotalMilliseconds * WorkerFields.ExpireAfterIntervals);
        RedisArg[] arguments =
        [
            Id, now, ttl,
            WorkerFields.Id, Id,
            WorkerFields.Host, _host,
            WorkerFields.ProcessId, Environment.ProcessId,
            WorkerFields.Version, s_version,
            WorkerFields.Started, _started,
            WorkerFields.Heartbeat, now,
            WorkerFields.Interval, (long)_interval.TotalMilliseconds,
            WorkerFields.Concurrency, running.Sum(static c => c.Concurrency),
            WorkerFields.InFlight, running.Sum(static c => c.InFlight),
            WorkerFields.Processed, processed,
            WorkerFields.Failed, failed,
            WorkerFields.Consumers, DescribeConsumers(running),
        ];
        await _redis.EvaluateAsync(ScriptCatalog.WorkerHeartbeat, [_keys.Workers(), _keys.Worker(Id)], arguments, RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WithdrawAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _redis.EvaluateAsync(ScriptCatalog.WorkerRemove, [_keys.Workers(), _keys.Worker(Id)], [Id], RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
            _announced = false;
        }
        catch (Exception exception) when (IsFailure(exception, cancellationToken))
        {
            WorkerLog.RemoveFailed(_logger, Id, exception);
        }
    }

    private static string DescribeConsumers(List<ConsumerSnapshot> running)
    {
        var buffer = new ArrayBufferWriter<byte>(128 * running.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var snapshot in running)
            {
                json.WriteStartObject();
                json.WriteString(WorkerFields.ConsumerDestination, snapshot.Consumer.Destination.ToString());
                json.WriteString(WorkerFields.ConsumerGroup, snapshot.Consumer.Group);
                json.WriteString(WorkerFields.ConsumerName, snapshot.Consumer.Name);
                json.WriteString(WorkerFields.ConsumerState, snapshot.State.ToString().ToLowerInvariant());
                json.WriteNumber(WorkerFields.ConsumerConcurrency, snapshot.Concurrency);
                json.WriteNumber(WorkerFields.ConsumerInFlight, snapshot.InFlight);
                json.WriteNumber(WorkerFields.ConsumerProcessed, snapshot.Processed);
                json.WriteNumber(WorkerFields.ConsumerFailed, snapshot.Failed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class Tracked(int concurrency)
    {
        public int Concurrency { get; } = concurrency;

        public long Processed { get; set; }

        public long Failed { get; set; }
    }

    private readonly record struct ConsumerSnapshot(Consumer Consumer, ConsumerState State, int Concurrency, int InFlight, long Processed, long Failed);
}
