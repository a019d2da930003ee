using Microsoft.Extensions.Logging;

namespace Herald.Redis.Diagnostics;

/// <summary>Source-generated log messages with stable event ids (1000–1099: the Redis client).</summary>
internal static partial class RedisClientLog
{
    [LoggerMessage(1000, LogLevel.Information, "Connected to {Endpoint} (RESP{Protocol}, Redis {ServerVersion}, connection {ConnectionId})")]
    public static partial void Connected(ILogger logger, RedisEndpoint endpoint, int protocol, string serverVersion, long connectionId);

    [LoggerMessage(1001, LogLevel.Warning, "Connection {ConnectionId} to {Endpoint} lost with {InFlight} commands in flight: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, long connectionId, RedisEndpoint endpoint, int inFlight, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Reconnect to {Endpoint} failed (attempt {Attempt}); next try in {Delay}: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, RedisEndpoint endpoint, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Reconnected to {Endpoint} after {Attempts} attempts; {Backlog} queued commands sent")]
    public static partial void Reconnected(ILogger logger, RedisEndpoint endpoint, int attempts, int backlog);

    [LoggerMessage(1004, LogLevel.Warning, "Connection {ConnectionId} to {Endpoint} is dead: a command timed out and nothing was read for {Silence}")]
    public static partial void DeadSocket(ILogger logger, long connectionId, RedisEndpoint endpoint, TimeSpan silence);

    [LoggerMessage(1005, LogLevel.Debug, "Dropped a push nobody subscribed to: {Kind}")]
    public static partial void PushDropped(ILogger logger, string kind);

    [LoggerMessage(1006, LogLevel.Warning, "Sentinel reports a new primary for {Service}: {Endpoint}")]
    public static partial void PrimarySwitched(ILogger logger, string service, RedisEndpoint endpoint);

    [LoggerMessage(1007, LogLevel.Warning, "Subscriber connection to {Endpoint} lost; resubscribing {Count} channels and patterns: {Reason}")]
    public static partial void SubscriberLost(ILogger logger, RedisEndpoint endpoint, int count, string reason);

    [LoggerMessage(1008, LogLevel.Warning, "Subscription {Name} is full ({Capacity} messages); dropping the oldest")]
    public static partial void SubscriptionFull(ILogger logger, string name, int capacity);

    [LoggerMessage(1009, LogLevel.Error, "The server refused subscription {Name}; its subscribers are completed with the error: {Reason}")]
    public static partial void SubscriptionRefused(ILogger logger, string name, string reason);
}
