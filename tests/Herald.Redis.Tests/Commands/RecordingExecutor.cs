using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Commands;

/// <summary>Records the commands a helper builds and answers them with a canned reply (or nothing parsed).</summary>
internal sealed class RecordingExecutor : IRedisExecutor
{
    private readonly RespValue? _reply;

    public RecordingExecutor(RespValue? reply = null) => _reply = reply;

    public List<RedisCommand> Commands { get; } = [];

    public RedisCommand Last => Commands[^1];

    public ValueTask<T> ExecuteAsync<T>(in RedisCommand command, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        Commands.Add(command);
        return ValueTask.FromResult(_reply is null ? default! : parser(_reply));
    }
}
