namespace Herald.Redis.Commands;

/// <summary>Introspection: <c>XINFO STREAM</c>, <c>GROUPS</c>, <c>CONSUMERS</c>.</summary>
public static partial class RedisStreamCommands
{
    /// <summary><c>XINFO STREAM key</c>: length, ids and first/last entries. A missing stream is a <see cref="RedisServerException"/>.</summary>
    public static ValueTask<StreamInfo> StreamInfoAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XINFO", "STREAM", key).WithKey(1).With(RedisCommandFlags.ReadOnly), StreamReplies.Info, cancellationToken);

    /// <summary><c>XINFO GROUPS key</c>: every consumer group of the stream, with pending counts and lag.</summary>
    public static ValueTask<IReadOnlyList<StreamGroupInfo>> StreamGroupsAsync(this IRedisExecutor redis, string key, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XINFO", "GROUPS", key).WithKey(1).With(RedisCommandFlags.ReadOnly), StreamReplies.Groups, cancellationToken);

    /// <summary><c>XINFO CONSUMERS key group</c>: every consumer of the group. A missing group is a <see cref="RedisServerException"/> of kind <see cref="RedisErrorKind.NoGroup"/>.</summary>
    public static ValueTask<IReadOnlyList<StreamConsumerInfo>> StreamConsumersAsync(this IRedisExecutor redis, string key, string group, CancellationToken cancellationToken = default) =>
        redis.ExecuteAsync(new RedisCommand("XINFO", "CONSUMERS", key, group).WithKey(1).With(RedisCommandFlags.ReadOnly), StreamReplies.Consumers, cancellationToken);
}
