using Herald.Inspection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Hosting.Monitoring;

/// <summary>
/// Samples, every <see cref="HeraldMonitoringOptions.SampleInterval"/>, the lag, pending work, queue length and
/// oldest age of the streams and queues this host consumes (or of every registered one, with
/// <see cref="HeraldMonitoringOptions.AllDestinations"/>) through the <see cref="HeraldInspector"/>, and keeps the
/// latest figures in <see cref="Current"/>. They feed the observable gauges <c>herald.consumer.lag</c>,
/// <c>herald.consumer.pending</c>, <c>herald.queue.length</c> and <c>herald.message.oldest_age</c> on
/// <c>Meter("Herald")</c>, and the health check's lag thresholds. Registered and started by <c>AddHerald</c>.
/// </summary>
/// <remarks>
/// Sampling reads Redis on its own schedule so that a metrics scrape or a health probe never waits on it.
/// A sample that fails (Redis unreachable) keeps the last good figures, marked stale, and logs a warning;
/// the next good sample replaces them.
/// </remarks>
public sealed class HeraldLagMonitor : BackgroundService
{
    private static readonly LagSnapshot s_none = new([], DateTimeOffset.MinValue, IsStale: false, Error: null, FailedAt: null);

    private readonly HeraldClientProvider _clients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sampling = new(1, 1);
    private LagSnapshot? _current;

    /// <summary>Creates the monitor (registered by <c>AddHerald</c>).</summary>
    public HeraldLagMonitor(
        HeraldClientProvider clients,
        IOptions<HeraldMonitoringOptions> options,
        IOptions<HeraldOptions> heraldOptions,
        ILogger<HeraldLagMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(heraldOptions);
        ArgumentNullException.ThrowIfNull(logger);
        _clients = clients;
        Options = options.Value;
        _time = heraldOptions.Value.TimeProvider;
        _logger = logger;
    }

    /// <summary>The options the monitor samples and the health check judges by.</summary>
    public HeraldMonitoringOptions Options { get; }

    /// <summary>The latest figures; null before the first sample has finished (or when monitoring is off).</summary>
    public LagSnapshot? Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public override void Dispose()
    {
        _sampling.Dispose();
        base.Dispose();
    }

    /// <summary>Reads the figures now and makes them <see cref="Current"/>; a failure makes the previous figures stale.</summary>
    internal async Task<LagSnapshot> SampleAsync(CancellationToken cancellationToken)
    {
        await _sampling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            LagSnapshot next;
            var previous = Current ?? s_none;
            try
            {
                var client = await _clients.GetClientAsync(cancellationToken).ConfigureAwait(false);
                var figures = await ReadAsync(client, cancellationToken).ConfigureAwait(false);
                next = new LagSnapshot(figures, _time.GetUtcNow(), IsStale: false, Error: null, FailedAt: null);
                if (previous.IsStale)
                {
                    MonitoringLog.SampleRecovered(_logger, figures.Count);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                // Warn when the figures go stale, not on every failed sample of an outage.
                if (previous.IsStale)
                {
                    MonitoringLog.SampleStillFailing(_logger, exception.Message);
                }
                else
                {
                    MonitoringLog.SampleFailed(_logger, previous.SampledAt, exception);
                }

                next = previous with { IsStale = true, Error = exception.Message, FailedAt = _time.GetUtcNow() };
            }

            Volatile.Write(ref _current, next);
            return next;
        }
        finally
        {
            _sampling.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
        {
            return;
        }

        LagInstruments.Register(this);
        try
        {
            using var timer = new PeriodicTimer(Options.SampleInterval, _time);
            do
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            LagInstruments.Unregister(this);
        }
    }

    private async Task<IReadOnlyList<LagFigures>> ReadAsync(HeraldClient client, CancellationToken cancellationToken)
    {
        var inspector = client.CreateInspector();
        var figures = new List<LagFigures>();

        // Per stream, the groups to report; null means all of them.
        var streams = new Dictionary<Destination, HashSet<string>?>();
        var queues = new HashSet<Destination>();
        var summarized = new HashSet<Destination>();
        if (Options.AllDestinations)
        {
            foreach (var row in await inspector.ListDestinationsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (row.Destination.Kind == DestinationKind.Stream)
                {
                    streams[row.Destination] = null;
                }
                else if (row.Destination.Kind == DestinationKind.Queue)
                {
                    // The summary row of a queue holds every figure already: no second read.
                    figures.Add(new LagFigures(row.Destination, null, row.Lag, row.Pending, row.Length, row.OldestAge));
                    summarized.Add(row.Destination);
                }
            }
        }

        foreach (var consumer in client.Consumers)
        {
            if (consumer.Destination.Kind == DestinationKind.Stream)
            {
                if (!streams.TryGetValue(consumer.Destination, out var groups))
                {
                    streams[consumer.Destination] = [consumer.Group];
                }
                else
                {
                    groups?.Add(consumer.Group);
                }
            }
            else if (consumer.Destination.Kind == DestinationKind.Queue && !summarized.Contains(consumer.Destination))
            {
                queues.Add(consumer.Destination);
            }
        }

        foreach (var (stream, groups) in streams)
        {
            if (await TryAsync(inspector.GetStreamAsync(stream.Name, cancellationToken)).ConfigureAwait(false) is not { } details)
            {
                continue;
            }

            foreach (var group in details.Groups)
            {
                if (groups is null || groups.Contains(group.Name))
                {
                    figures.Add(new LagFigures(stream, group.Name, group.Lag, group.Pending, QueueLength: null, Max(group.OldestPendingAge, group.OldestWaitingAge)));
                }
            }
        }

        foreach (var queue in queues)
        {
            if (await TryAsync(inspector.GetQueueAsync(queue.Name, cancellationToken: cancellationToken)).ConfigureAwait(false) is not { } details)
            {
                continue;
            }

            var oldest = details.Consumers.Select(static c => c.OldestInFlightAge).Aggregate(details.OldestWaitingAge, Max);
            figures.Add(new LagFigures(queue, null, details.Waiting, details.InFlight, details.Waiting, oldest));
        }

        figures.Sort(static (a, b) => a.Destination.Kind != b.Destination.Kind
            ? a.Destination.Kind.CompareTo(b.Destination.Kind)
            : string.CompareOrdinal(a.Destination.Name, b.Destination.Name) is var byName and not 0 ? byName
            : string.CompareOrdinal(a.Group, b.Group));
        return figures;
    }

    // A consumer may be reading a destination the registry does not list yet (or no longer): nothing to report for it.
    private static async ValueTask<T?> TryAsync<T>(ValueTask<T> inspection)
        where T : class
    {
        try
        {
            return await inspection.ConfigureAwait(false);
        }
        catch (DestinationNotFoundException)
        {
            return null;
        }
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
