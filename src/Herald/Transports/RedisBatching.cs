using Herald.Redis;

namespace Herald.Transports;

/// <summary>Sends several commands in one round trip and collects their replies.</summary>
internal static class RedisBatching
{
    /// <summary>
    /// Runs <paramref name="commands"/> in one batch (one command goes alone) and returns the replies in
    /// order. Every reply is awaited, even after a failure, and the first failure is rethrown.
    /// </summary>
    public static async ValueTask<T[]> ExecuteAllAsync<T>(this RedisClient redis, IReadOnlyList<RedisCommand> commands, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        var outcomes = await redis.ExecuteEachAsync(commands, parser, cancellationToken).ConfigureAwait(false);
        var replies = new T[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }

            replies[i] = outcomes[i].Reply;
        }

        return replies;
    }

    /// <summary>
    /// Runs <paramref name="commands"/> in one batch (one command goes alone) and returns each reply or failure in
    /// order, for callers that handle some failures per command (a script's <c>NOSCRIPT</c>) and not others.
    /// </summary>
    public static async ValueTask<(T Reply, Exception? Error)[]> ExecuteEachAsync<T>(this RedisClient redis, IReadOnlyList<RedisCommand> commands, RespReplyParser<T> parser, CancellationToken cancellationToken)
    {
        if (commands.Count == 1)
        {
            try
            {
                return [(await redis.ExecuteAsync(commands[0], parser, cancellationToken).ConfigureAwait(false), null)];
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                return [(default!, exception)];
            }
        }

        var batch = redis.CreateBatch();
        var pending = new ValueTask<T>[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
#pragma warning disable CA2012 // A batch reply is stored, then awaited exactly once after Send().
            pending[i] = batch.ExecuteAsync(commands[i], parser, cancellationToken);
#pragma warning restore CA2012
        }

        batch.Send();
        var outcomes = new (T Reply, Exception? Error)[commands.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                outcomes[i] = (await pending[i].ConfigureAwait(false), null);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                outcomes[i] = (default!, exception);
            }
        }

        return outcomes;
    }
}
