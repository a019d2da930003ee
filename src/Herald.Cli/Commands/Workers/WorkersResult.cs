using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Workers;

/// <summary>The <c>--json</c> shape of <c>herald workers</c>.</summary>
/// <param name="Time">When the registry was read.</param>
/// <param name="Prefix">The key prefix read.</param>
/// <param name="Workers">Every worker in the registry, by id (so by host, then process).</param>
internal sealed record WorkersResult(DateTimeOffset Time, string Prefix, IReadOnlyList<WorkerRow> Workers);

/// <summary>One worker as it last announced itself (see <see cref="WorkerInfo"/>).</summary>
/// <param name="Id">The worker id, <c>host:pid:random</c>.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="ProcessId">Its process id there.</param>
/// <param name="Version">The Herald version it runs.</param>
/// <param name="Started">When its client was built.</param>
/// <param name="UptimeSeconds">How long ago that was.</param>
/// <param name="HeartbeatAgeSeconds">How long ago it last announced itself.</param>
/// <param name="HeartbeatIntervalSeconds">How often it announces itself.</param>
/// <param name="State"><c>live</c>, or <c>stale</c> once it missed more than three heartbeats (its process is probably gone or stuck).</param>
/// <param name="Concurrency">Handlers it may run at once over all its consumers.</param>
/// <param name="InFlight">Messages it held and had not finished.</param>
/// <param name="Processed">Messages it handled successfully since it started.</param>
/// <param name="Failed">Deliveries whose handling failed since it started.</param>
/// <param name="Consumers">Its consumers.</param>
internal sealed record WorkerRow(
    string Id,
    string Host,
    int ProcessId,
    string Version,
    DateTimeOffset Started,
    double UptimeSeconds,
    double HeartbeatAgeSeconds,
    double HeartbeatIntervalSeconds,
    string State,
    int Concurrency,
    int InFlight,
    long Processed,
    long Failed,
    IReadOnlyList<WorkerConsumerRow> Consumers)
{
    public const string Live = "live";
    public const string Stale = "stale";

    public static WorkerRow From(WorkerInfo worker, DateTimeOffset now) => new(
        worker.Id,
        worker.Host,
        worker.ProcessId,
        worker.Version,
        worker.Started,
        Figures.Seconds(now > worker.Started ? now - worker.Started : TimeSpan.Zero),
        Figures.Seconds(worker.HeartbeatAge),
        Figures.Seconds(worker.HeartbeatInterval),
        worker.IsStale ? Stale : Live,
        worker.Concurrency,
        worker.InFlight,
        worker.Processed,
        worker.Failed,
        [.. worker.Consumers.Select(WorkerConsumerRow.From)]);
}

/// <summary>One consumer of a worker, as of the worker's last heartbeat.</summary>
/// <param name="Destination">The destination it consumes, <c>kind:name</c>.</param>
/// <param name="Group">Its consumer group.</param>
/// <param name="Name">Its name in the group.</param>
/// <param name="State"><c>running</c>, <c>paused</c> or <c>stopping</c>.</param>
/// <param name="Concurrency">Handlers it may run at once.</param>
/// <param name="InFlight">Messages it held and had not finished.</param>
/// <param name="Processed">Messages it handled successfully.</param>
/// <param name="Failed">Deliveries whose handling failed.</param>
internal sealed record WorkerConsumerRow(string Destination, string Group, string Name, string State, int Concurrency, int InFlight, long Processed, long Failed)
{
    public static WorkerConsumerRow From(WorkerConsumerInfo consumer) => new(
        consumer.Destination.ToString(),
        consumer.Group,
        consumer.Name,
        consumer.State.ToString().ToLowerInvariant(),
        consumer.Concurrency,
        consumer.InFlight,
        consumer.Processed,
        consumer.Failed);
}
