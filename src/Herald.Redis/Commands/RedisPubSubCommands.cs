namespace Herald.Redis.Commands;

/// <summary>Publishing and pub/sub introspection. Subscribing is the client's own connection, not a command helper.</summary>
public static class RedisPubSubCommands
{
    /// <summary><c>PUBLISH channel message</c>: how many subscribers received it (on this node, in a cluster: across the cluster).</summary>
    public static ValueTask<long> PublishAsync(this IRedisExecutor redis, string channel, RedisArg message, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("PUBLISH", channel, message), RespParsers.Int64, cancellationToken);

    /// <summary><c>SPUBLISH shardchannel message</c>: publishes on a sharded channel, routed by the channel's slot; how many subscribers received it.</summary>
    public static ValueTask<long> ShardPublishAsync(this IRedisExecutor redis, string channel, RedisArg message, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("SPUBLISH", channel, message).WithKey(0), RespParsers.Int64, cancellationToken);

    /// <summary><c>PUBSUB NUMSUB channel …</c>: the number of subscribers of each channel (patterns not counted).</summary>
    public static ValueTask<IReadOnlyDictionary<string, long>> SubscriberCountsAsync(this IRedisExecutor redis, ReadOnlySpan<string> channels, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("PUBSUB", CommandArgs.Concat(["NUMSUB"], channels, nameof(channels))), RedisReplies.Int64Map, cancellationToken);

    /// <summary><c>PUBSUB CHANNELS [pattern]</c>: the channels with at least one subscriber, optionally matching a glob.</summary>
    public static ValueTask<IReadOnlyList<string>> ActiveChannelsAsync(this IRedisExecutor redis, string? pattern = null, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(
            pattern is null ? new RedisCommand("PUBSUB", "CHANNELS") : new RedisCommand("PUBSUB", "CHANNELS", pattern),
            RedisReplies.StringList,
            cancellationToken);

    /// <summary><c>PUBSUB NUMPAT</c>: the number of pattern subscriptions across all clients.</summary>
    public static ValueTask<long> PatternSubscriptionCountAsync(this IRedisExecutor redis, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("PUBSUB", "NUMPAT"), RespParsers.Int64, cancellationToken);
}
