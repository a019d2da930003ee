using Microsoft.Extensions.Logging;

namespace Herald.Transports;

/// <summary>Transport log messages (event ids 2100–2199).</summary>
internal static partial class ReceiverLog
{
    [LoggerMessage(2100, LogLevel.Warning, "Consumer group {Group} of {Destination} was missing (Redis lost it); re-created from the beginning")]
    public static partial void GroupRecreated(ILogger logger, Destination destination, string group);

    [LoggerMessage(2101, LogLevel.Information, "Reclaimed {Count} stalled messages of {Destination} for group {Group}")]
    public static partial void Reclaimed(ILogger logger, Destination destination, string group, int count);

    [LoggerMessage(2102, LogLevel.Information, "Returned the work of {Count} stopped consumers of {Destination} to the queue")]
    public static partial void Reaped(ILogger logger, Destination destination, int count);
}
