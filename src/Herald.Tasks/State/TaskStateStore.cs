using System.Globalization;
using Herald.Codecs;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Protocol;
using Herald.Redis.Scripting;
using Herald.Tasks.Scripts;

namespace Herald.Tasks.State;

/// <summary>
/// Reads and writes task state hashes (<see cref="KeySchema.Task"/>). Every change is one script, so a
/// revocation and a worker's claim or outcome never interleave.
/// </summary>
internal sealed class TaskStateStore(RedisClient redis, KeySchema keys, TimeProvider time)
{
    // Field names of the state hash; docs/tasks.md lists them for tools in other languages.
    private const string StateField = "state";
    private const string ResultField = "result";
    private const string ResultTypeField = "result-type";
    private const string ResultEncodingField = "result-encoding";
    private const string ResultKeyField = "result-keyid";
    private const string ErrorField = "error";
    private const string ErrorTypeField = "error-type";
    private const string RetryAtField = "retry-at";

    public KeySchema Keys => keys;

    /// <summary>Claims a delivered task: <see cref="TaskState.Started"/>, or the final state that forbids running it.</summary>
    public async ValueTask<TaskState> StartAsync(string taskId, string worker, int attempt, TimeSpan ttl, string name, string queue, DateTimeOffset enqueuedAt, CancellationToken cancellationToken)
    {
        var state = await redis.EvaluateAsync(TaskScripts.TaskStart, [keys.Task(taskId)],
            [Now(), worker, attempt, Milliseconds(ttl), name, queue, enqueuedAt.ToUnixTimeMilliseconds()],
            static reply => reply.AsString(), cancellationToken).ConfigureAwait(false);
        return TaskStates.FromWire(state);
    }

    /// <summary>Records the task's result.</summary>
    public ValueTask<TaskState> SucceedAsync(string taskId, EncodedBody? result, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (result is not { } body)
        {
            return FinishAsync(taskId, TaskState.Succeeded, ttl, [], [ResultField, ResultTypeField, ResultEncodingField, ResultKeyField, ErrorField, ErrorTypeField, RetryAtField], cancellationToken);
        }

        return FinishAsync(taskId, TaskState.Succeeded, ttl,
            [ResultField, body.Data, ResultTypeField, body.ContentType, ResultEncodingField, body.ContentEncoding ?? string.Empty, ResultKeyField, body.KeyId ?? string.Empty],
            [ErrorField, ErrorTypeField, RetryAtField], cancellationToken);
    }

    /// <summary>Records a failed attempt: final (<see cref="TaskState.Failed"/>) or followed by a retry at <paramref name="retryAt"/>.</summary>
    public ValueTask<TaskState> FailAsync(string taskId, Exception error, DateTimeOffset? retryAt, TimeSpan ttl, CancellationToken cancellationToken)
    {
        List<RedisArg> set = [ErrorField, error.Message, ErrorTypeField, error.GetType().FullName ?? error.GetType().Name];
        if (retryAt is { } due)
        {
            set.Add(RetryAtField);
            set.Add(due.ToUnixTimeMilliseconds());
            return FinishAsync(taskId, TaskState.Retrying, ttl, set, [], cancellationToken);
        }

        return FinishAsync(taskId, TaskState.Failed, ttl, set, [RetryAtField], cancellationToken);
    }

    /// <summary>Records that a task ended without running to completion: revoked while running, or expired.</summary>
    public ValueTask<TaskState> EndAsync(string taskId, TaskState state, string reason, TimeSpan ttl, CancellationToken cancellationToken) =>
        FinishAsync(taskId, state, ttl, [ErrorField, reason], [RetryAtField], cancellationToken);

    /// <summary>Revokes a task unless it is over; returns the state it had.</summary>
    public async ValueTask<(TaskState Previous, bool Known)> RevokeAsync(string taskId, TimeSpan ttl, string reason, CancellationToken cancellationToken)
    {
        var previous = await redis.EvaluateAsync(TaskScripts.TaskRevoke, [keys.Task(taskId)],
            [Now(), Milliseconds(ttl), keys.TaskDone(taskId), reason],
            static reply => reply.AsString(), cancellationToken).ConfigureAwait(false);
        return (TaskStates.FromWire(previous), !string.IsNullOrEmpty(previous));
    }

    /// <summary>Reads a task's state; an id Redis knows nothing of is <see cref="TaskState.Pending"/> and not <see cref="TaskInfo.Known"/>.</summary>
    public async ValueTask<TaskInfo> ReadAsync(string taskId, CancellationToken cancellationToken)
    {
        var fields = await redis.ExecuteAsync(new RedisCommand("HGETALL", keys.Task(taskId)).WithKey(), ToFields, cancellationToken).ConfigureAwait(false);
        if (fields.Count == 0)
        {
            return new TaskInfo { TaskId = taskId };
        }

        return new TaskInfo
        {
            TaskId = taskId,
            Known = true,
            State = TaskStates.FromWire(Text(fields, StateField)),
            Name = Text(fields, "name"),
            Queue = Text(fields, "queue"),
            Attempt = (int)(Number(fields, "attempt") ?? 0),
            Worker = Text(fields, "worker"),
            EnqueuedAt = Time(fields, "enqueued"),
            StartedAt = Time(fields, "started"),
            FinishedAt = Time(fields, "finished"),
            RetryAt = Time(fields, RetryAtField),
            Error = Text(fields, ErrorField),
            ErrorType = Text(fields, ErrorTypeField),
            Result = fields.TryGetValue(ResultField, out var result)
                ? new EncodedBody(result, Text(fields, ResultTypeField) ?? string.Empty, NullIfEmpty(Text(fields, ResultEncodingField)), NullIfEmpty(Text(fields, ResultKeyField)))
                : null,
        };
    }

    private async ValueTask<TaskState> FinishAsync(string taskId, TaskState state, TimeSpan ttl, IReadOnlyList<RedisArg> set, IReadOnlyList<string> clear, CancellationToken cancellationToken)
    {
        var arguments = new List<RedisArg>(6 + set.Count + clear.Count)
        {
            state.ToWire(), Now(), Milliseconds(ttl), keys.TaskDone(taskId), state.IsFinal() ? 1 : 0, set.Count / 2,
        };
        arguments.AddRange(set);
        arguments.AddRange(clear.Select(static field => (RedisArg)field));
        var recorded = await redis.EvaluateAsync(TaskScripts.TaskFinish, [keys.Task(taskId)], arguments,
            static reply => reply.AsString(), cancellationToken).ConfigureAwait(false);
        return TaskStates.FromWire(recorded);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static long Milliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    private static Dictionary<string, ReadOnlyMemory<byte>> ToFields(RespValue reply)
    {
        var fields = new Dictionary<string, ReadOnlyMemory<byte>>(reply.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < reply.Count; i += 2)
        {
            fields[reply[i].AsString() ?? string.Empty] = reply[i + 1].Bytes;
        }

        return fields;
    }

    private static string? Text(Dictionary<string, ReadOnlyMemory<byte>> fields, string name) =>
        fields.TryGetValue(name, out var value) ? System.Text.Encoding.UTF8.GetString(value.Span) : null;

    private static long? Number(Dictionary<string, ReadOnlyMemory<byte>> fields, string name) =>
        long.TryParse(Text(fields, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static DateTimeOffset? Time(Dictionary<string, ReadOnlyMemory<byte>> fields, string name) =>
        Number(fields, name) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
