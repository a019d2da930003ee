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
        if (commands.Count == 1)
        {
            return [await redis.ExecuteAsync(commands[0], parser, cancellationToken).ConfigureAwait(false)];
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
        var replies = new T[commands.Count];
        Exception? first = null;
        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                replies[i] = await pending[i].ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                first ??= exception;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return replies;
    }
}
