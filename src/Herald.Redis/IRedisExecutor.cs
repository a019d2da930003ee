using Herald.Redis.Protocol;

namespace Herald.Redis;

/// <summary>Turns a reply into the caller's type. Runs once per reply; it must be fast and must not block.</summary>
/// <typeparam name="T">The result type.</typeparam>
/// <param name="reply">The server's reply (never an error: error replies become <see cref="RedisServerException"/>).</param>
public delegate T RespReplyParser<out T>(RespValue reply);

/// <summary>
/// Runs commands. Implemented by <c>RedisClient</c> (multiplexed), <c>RedisLease</c>
/// (a dedicated connection) and <c>RedisBatch</c> (sent together). The typed command helpers in
/// <c>Herald.Redis.Commands</c> are extension methods over this interface.
/// </summary>
public interface IRedisExecutor
{
    /// <summary>Sends <paramref name="command"/> and parses its reply with <paramref name="parser"/>.</summary>
    /// <exception cref="RedisServerException">The server answered with an error.</exception>
    /// <exception cref="RedisConnectionException">No reply: the connection failed or the deadline passed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the reply.</exception>
    ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default);
}

/// <summary>Ready-made reply parsers, cached so that passing them allocates nothing.</summary>
public static class RespParsers
{
    /// <summary>The reply itself.</summary>
    public static RespReplyParser<RespValue> Value { get; } = static reply => reply;

    /// <summary>The reply as text (null for nil).</summary>
    public static RespReplyParser<string?> String { get; } = static reply => reply.AsString();

    /// <summary>The reply as an integer.</summary>
    public static RespReplyParser<long> Int64 { get; } = static reply => reply.AsInt64();

    /// <summary>The reply as an integer or null.</summary>
    public static RespReplyParser<long?> NullableInt64 { get; } = static reply => reply.AsNullableInt64();

    /// <summary>The reply as a double or null.</summary>
    public static RespReplyParser<double?> NullableDouble { get; } = static reply => reply.AsNullableDouble();

    /// <summary>The reply as a boolean (<c>OK</c>, 1 and <c>#t</c> are true; nil is false).</summary>
    public static RespReplyParser<bool> Boolean { get; } = static reply => reply.AsBoolean();

    /// <summary>The reply as bytes (null for nil).</summary>
    public static RespReplyParser<byte[]?> Bytes { get; } = static reply => reply.AsBytes();

    /// <summary>The payload of a bulk string without copying (null for nil).</summary>
    public static RespReplyParser<ReadOnlyMemory<byte>?> Memory { get; } = static reply => reply.IsNull ? (ReadOnlyMemory<byte>?)null : reply.Bytes;

    /// <summary>Any reply, ignored.</summary>
    public static RespReplyParser<bool> Ignore { get; } = static _ => true;
}

/// <summary>Convenience overloads for <see cref="IRedisExecutor"/>.</summary>
public static class RedisExecutorExtensions
{
    /// <summary>Sends a command and returns the raw reply.</summary>
    public static ValueTask<RespValue> ExecuteAsync(this IRedisExecutor executor, in RedisCommand command, CancellationToken cancellationToken = default) =>
        executor.ExecuteAsync(command, RespParsers.Value, cancellationToken);

    /// <summary>Sends <paramref name="name"/> with <paramref name="args"/> and returns the raw reply.</summary>
    public static ValueTask<RespValue> ExecuteAsync(this IRedisExecutor executor, string name, params RedisArg[] args) =>
        executor.ExecuteAsync(new RedisCommand(name, args), RespParsers.Value);
}
