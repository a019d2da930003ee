namespace Herald.Cli.Commands.Stats;

/// <summary>The <c>--json</c> shape of <c>herald stats</c>: one per refresh with <c>--watch</c>, written as one line each.</summary>
/// <param name="Time">When it was taken.</param>
/// <param name="Prefix">The key prefix read.</param>
/// <param name="Throughput">Messages published, processed and failed over the window, all destinations together.</param>
/// <param name="Workers">The worker registry in sum.</param>
/// <param name="Destinations">The registered streams and queues in sum.</param>
internal sealed record StatsSnapshot(DateTimeOffset Time, string Prefix, StatsThroughput Throughput, StatsWorkers Workers, StatsDestinations Destinations);

/// <summary>The throughput history of the whole deployment over a window of whole minutes ending with the current one.</summary>
/// <param name="WindowMinutes">The minutes read; the last is the current minute, still counting.</param>
/// <param name="Total">Sums over the window.</param>
/// <param name="AveragePerMinute">The sums divided by the time the window covers so far.</param>
/// <param name="CurrentMinute">The current minute so far (clients report every heartbeat interval, so the last seconds may be missing).</param>
/// <param name="PreviousMinute">The last complete minute.</param>
/// <param name="Minutes">One point per minute, oldest first.</param>
internal sealed record StatsThroughput(
    int WindowMinutes,
    StatsCounts Total,
    StatsRates AveragePerMinute,
    StatsCounts CurrentMinute,
    StatsCounts PreviousMinute,
    IReadOnlyList<StatsMinute> Minutes);

/// <summary>Messages published, processed successfully, and deliveries that failed.</summary>
internal sealed record StatsCounts(long Published, long Processed, long Failed);

/// <summary>As <see cref="StatsCounts"/>, per minute.</summary>
internal sealed record StatsRates(double Published, double Processed, double Failed);

/// <summary>One minute of the history.</summary>
/// <param name="Minute">Its start (UTC).</param>
/// <param name="Published">Messages published in it.</param>
/// <param name="Processed">Messages processed successfully in it.</param>
/// <param name="Failed">Deliveries that failed in it.</param>
internal sealed record StatsMinute(DateTimeOffset Minute, long Published, long Processed, long Failed);

/// <summary>The worker registry in sum.</summary>
/// <param name="Live">Workers heartbeating on time.</param>
/// <param name="Stale">Workers that missed more than three heartbeats.</param>
/// <param name="Consumers">Consumers the live workers run.</param>
/// <param name="Concurrency">Handlers the live workers may run at once.</param>
/// <param name="InFlight">Messages the live workers hold, as of their last heartbeat.</param>
internal sealed record StatsWorkers(int Live, int Stale, int Consumers, int Concurrency, int InFlight);

/// <summary>The registered streams and queues in sum (see <c>herald ls</c> for each).</summary>
/// <param name="Streams">Registered streams.</param>
/// <param name="Queues">Registered queues.</param>
/// <param name="Lag">Work not yet handed to a consumer, over all of them.</param>
/// <param name="Pending">Work handed out and not finished.</param>
/// <param name="DeadLetters">Dead letters of all of them.</param>
/// <param name="Paused">Destinations with a paused consumer group.</param>
internal sealed record StatsDestinations(int Streams, int Queues, long Lag, long Pending, long DeadLetters, int Paused);
