namespace Herald.Workers;

/// <summary>The fields of a worker's description hash (see <see cref="Keys.KeySchema.Worker"/>), shared by the writer and the Inspector.</summary>
internal static class WorkerFields
{
    public const string Id = "id";
    public const string Host = "host";
    public const string ProcessId = "pid";
    public const string Version = "version";

    /// <summary>When the client was built, Unix ms.</summary>
    public const string Started = "started";

    /// <summary>When this description was written, Unix ms.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>The worker's heartbeat interval, ms: staleness is judged against the worker's own interval.</summary>
    public const string Interval = "interval";

    public const string Concurrency = "concurrency";
    public const string InFlight = "in-flight";
    public const string Processed = "processed";
    public const string Failed = "failed";

    /// <summary>A JSON array of the worker's consumers, each an object with the <c>Consumer*</c> properties.</summary>
    public const string Consumers = "consumers";

    public const string ConsumerDestination = "destination";
    public const string ConsumerGroup = "group";
    public const string ConsumerName = "name";
    public const string ConsumerState = "state";
    public const string ConsumerConcurrency = "concurrency";
    public const string ConsumerInFlight = "inFlight";
    public const string ConsumerProcessed = "processed";
    public const string ConsumerFailed = "failed";

    /// <summary>A worker that missed this many heartbeats is reported stale.</summary>
    public const int StaleAfterIntervals = 3;

    /// <summary>A worker's description expires this many intervals after its last heartbeat.</summary>
    public const int ExpireAfterIntervals = 6;
}
