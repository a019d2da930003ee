using Herald.Consuming;

namespace Herald.Inspection;

/// <summary>A client that runs consumers, as it last announced itself in the worker registry.</summary>
/// <param name="Id">The worker id (<c>host:pid:random</c>), unique per client.</param>
/// <param name="Host">The machine it runs on.</param>
/// <param name="ProcessId">Its process id on that machine.</param>
/// <param name="Version">The Herald version it runs.</param>
/// <param name="Started">When the client was built.</param>
/// <param name="LastHeartbeat">When it last announced itself.</param>
/// <param name="HeartbeatAge">How long ago that was.</param>
/// <param name="HeartbeatInterval">How often it announces itself.</param>
/// <param name="IsStale">True when it missed more than three heartbeats: its process is probably gone or stuck.</param>
/// <param name="Concurrency">Handlers it may run at once, over all its consumers.</param>
/// <param name="InFlight">Messages it had received and not finished.</param>
/// <param name="Processed">Messages it handled successfully since it started.</param>
/// <param name="Failed">Deliveries whose handling failed since it started.</param>
/// <param name="Consumers">The consumers it runs.</param>
public sealed record WorkerInfo(
    string Id,
    string Host,
    int ProcessId,
    string Version,
    DateTimeOffset Started,
    DateTimeOffset LastHeartbeat,
    TimeSpan HeartbeatAge,
    TimeSpan HeartbeatInterval,
    bool IsStale,
    int Concurrency,
    int InFlight,
    long Processed,
    long Failed,
    IReadOnlyList<WorkerConsumerInfo> Consumers);

/// <summary>One consumer of a worker, as of the worker's last heartbeat.</summary>
/// <param name="Destination">The destination it consumes.</param>
/// <param name="Group">Its consumer group.</param>
/// <param name="Name">Its name in the group.</param>
/// <param name="State">Running, paused or stopping.</param>
/// <param name="Concurrency">Handlers it may run at once.</param>
/// <param name="InFlight">Messages it had received and not finished.</param>
/// <param name="Processed">Messages it handled successfully.</param>
/// <param name="Failed">Deliveries whose handling failed.</param>
public sealed record WorkerConsumerInfo(Destination Destination, string Group, string Name, ConsumerState State, int Concurrency, int InFlight, long Processed, long Failed);
