using Microsoft.Extensions.Logging;

namespace Herald.Transports.Lists;

/// <summary>List queue log messages (event ids 2110–2119, within the transports' 2100–2199).</summary>
internal static partial class ListLog
{
    [LoggerMessage(2110, LogLevel.Information, "Consumer {Consumer} of {Destination} returned {Count} messages a previous run under its name left unfinished")]
    public static partial void OwnWorkReturned(ILogger logger, Destination destination, string consumer, long count);

    [LoggerMessage(2111, LogLevel.Information, "Consumer {Consumer} of {Destination} handed {Count} unfinished messages back to the queue on stop")]
    public static partial void HandedBack(ILogger logger, Destination destination, string consumer, long count);

    [LoggerMessage(2112, LogLevel.Warning, "Consumer {Consumer} of {Destination} could not hand its messages back on stop; the reaper returns them after the consumer timeout")]
    public static partial void HandBackFailed(ILogger logger, Destination destination, string consumer, Exception exception);

    [LoggerMessage(2113, LogLevel.Warning, "Consumer {Consumer} of {Destination} found {Count} messages in its processing list that nobody handled (a lost reply); delivering them again")]
    public static partial void OrphansRecovered(ILogger logger, Destination destination, string consumer, int count);

    [LoggerMessage(2114, LogLevel.Warning, "Message {MessageId} of {Destination} exhausted its deliveries but could not be dead-lettered; it will be tried again")]
    public static partial void DeadLetterFailed(ILogger logger, Destination destination, string messageId, Exception exception);
}
