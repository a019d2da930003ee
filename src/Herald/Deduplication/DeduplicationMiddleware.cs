using Herald.Consuming;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Protocol;

namespace Herald.Deduplication;

/// <summary>A copy of the message is being handled right now by another consumer; this one retries later.</summary>
public sealed class DuplicateInProgressException : HeraldException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateInProgressException(string messageId)
        : base($"Message {messageId} is being handled by another consumer.")
    {
    }
}

/// <summary>
/// Skips messages already handled within the window. A claim (<c>SET NX PX</c>) marks the id as in
/// progress before the handler runs; success turns it into <c>done</c> for the window, failure deletes
/// it so a retry is not mistaken for a duplicate.
/// </summary>
internal sealed class DeduplicationMiddleware(IRedisExecutor redis, KeySchema keys, TimeSpan window, TimeSpan claimTime) : IConsumeMiddleware
{
    public async ValueTask InvokeAsync(ConsumeContext context, ConsumeDelegate next)
    {
        var key = keys.Dedup(KeySchema.KeyName(context.Destination), context.Group, context.Envelope.Id);
        var claimed = await redis.ExecuteAsync(
            new RedisCommand("SET", [key, "processing", "NX", "PX", (long)claimTime.TotalMilliseconds]).WithKey(),
            RespParsers.Value, context.CancellationToken).ConfigureAwait(false);
        if (claimed.IsNull)
        {
            var state = await redis.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String, context.CancellationToken).ConfigureAwait(false);
            if (state == "done")
            {
                context.Skipped = true;
                return;
            }

            throw new DuplicateInProgressException(context.Envelope.Id);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            await redis.ExecuteAsync(new RedisCommand("DEL", key).WithKey(), RespParsers.Ignore, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await redis.ExecuteAsync(new RedisCommand("SET", [key, "done", "PX", (long)window.TotalMilliseconds]).WithKey(), RespParsers.Ignore, CancellationToken.None).ConfigureAwait(false);
    }
}
