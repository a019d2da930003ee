namespace Herald.Cli.Commands.Demo;

/// <summary>One refresh of the live display (and one plain line when not on a terminal).</summary>
/// <param name="ElapsedSeconds">Time since the producers started.</param>
/// <param name="Destinations">Per destination, rates over the last interval.</param>
/// <param name="Draining">True once the producers stopped and the workers finish what is left.</param>
internal sealed record DemoSnapshot(double ElapsedSeconds, IReadOnlyList<DemoDestinationFigures> Destinations, bool Draining);

/// <summary>The figures of one destination.</summary>
/// <param name="Name">Destination as <c>kind:name</c>.</param>
/// <param name="Kind">stream, queue or channel.</param>
/// <param name="Published">Messages published so far.</param>
/// <param name="Handled">Messages handled successfully so far.</param>
/// <param name="PublishedPerSecond">Published per second over the last interval (whole run in a summary).</param>
/// <param name="HandledPerSecond">Handled per second over the last interval (whole run in a summary).</param>
/// <param name="LatencyP50Milliseconds">End-to-end latency, envelope time to handled, median.</param>
/// <param name="LatencyP99Milliseconds">End-to-end latency, 99th percentile.</param>
/// <param name="Backlog">Stream: consumer group lag plus pending; queue: list length; channel: 0 (nothing is stored).</param>
/// <param name="HandlerFailures">Handler invocations that threw, retries included.</param>
/// <param name="DeadLetters">Entries in the destination's dead-letter stream.</param>
internal sealed record DemoDestinationFigures(
    string Name,
    string Kind,
    long Published,
    long Handled,
    double PublishedPerSecond,
    double HandledPerSecond,
    double LatencyP50Milliseconds,
    double LatencyP99Milliseconds,
    long Backlog,
    long HandlerFailures,
    long DeadLetters);

/// <summary>One dead letter as the engine stored it.</summary>
internal sealed record DemoDeadLetter(string Destination, string MessageId, string? Reason, string? Error, string? Attempts);

/// <summary>The result of <c>herald demo</c>: the JSON shape of <c>--json</c>.</summary>
/// <param name="Redis">The server it ran on (without password).</param>
/// <param name="KeyPrefix">The private key prefix; its keys are deleted at the end.</param>
/// <param name="DurationSeconds">How long the producers ran.</param>
/// <param name="Destinations">Totals and whole-run rates per destination.</param>
/// <param name="DeadLetters">The dead letters (up to 20), with their reasons.</param>
/// <param name="TotalDeadLetters">How many dead letters there were in all.</param>
/// <param name="KeysDeleted">Keys removed during clean-up.</param>
internal sealed record DemoSummary(
    string Redis,
    string KeyPrefix,
    double DurationSeconds,
    IReadOnlyList<DemoDestinationFigures> Destinations,
    IReadOnlyList<DemoDeadLetter> DeadLetters,
    long TotalDeadLetters,
    long KeysDeleted);
