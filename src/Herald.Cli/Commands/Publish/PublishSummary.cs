namespace Herald.Cli.Commands.Publish;

/// <summary>What <c>herald publish</c> did; the JSON shape of <c>herald publish --json</c>.</summary>
/// <param name="Destination">Where the messages went, as <c>kind:name</c>.</param>
/// <param name="Published">How many messages were published.</param>
/// <param name="FirstMessageId">The id of the first message (the only one without <c>--count</c>).</param>
/// <param name="LastMessageId">The id of the last message.</param>
/// <param name="FirstEntryId">Streams: the entry id of the first message; otherwise null.</param>
/// <param name="LastEntryId">Streams: the entry id of the last message; otherwise null.</param>
/// <param name="Receivers">Channels: how many subscribers received the messages, summed; otherwise null.</param>
/// <param name="DelayMilliseconds">Queues: the delay before delivery, when <c>--delay</c> was given.</param>
/// <param name="Seconds">How long publishing took.</param>
/// <param name="MessagesPerSecond">Published messages per second.</param>
internal sealed record PublishSummary(
    string Destination,
    long Published,
    string FirstMessageId,
    string LastMessageId,
    string? FirstEntryId,
    string? LastEntryId,
    long? Receivers,
    double? DelayMilliseconds,
    double Seconds,
    double MessagesPerSecond);
