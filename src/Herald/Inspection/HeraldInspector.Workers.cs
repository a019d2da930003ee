using System.Globalization;
using System.Text.Json;
using Herald.Consuming;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Herald.Transports;
using Herald.Workers;

namespace Herald.Inspection;

public sealed partial class HeraldInspector
{
    private static readonly TimeSpan s_defaultHeartbeatInterval = new HeraldOptions().WorkerHeartbeatInterval;

    // HGETALL as text: a RESP3 map or a RESP2 flat array; empty when the key does not exist.
    private static readonly RespReplyParser<Dictionary<string, string>> s_hashFields = static reply =>
        reply.AsDictionary().ToDictionary(static pair => pair.Key, static pair => pair.Value.AsString() ?? string.Empty, StringComparer.Ordinal);

    /// <summary>
    /// Lists the workers (clients running consumers) in the registry with what they last reported, ordered by
    /// id (so by host, then process). A worker that missed more than three heartbeats is marked
    /// <see cref="WorkerInfo.IsStale"/>; one whose entry expired (its process died) is not listed, and its
    /// leftover index entry is removed.
    /// </summary>
    public async ValueTask<IReadOnlyList<WorkerInfo>> ListWorkersAsync(CancellationToken cancellationToken = default)
    {
        var index = _keys.Workers();
        var ids = (await _redis.SortedSetRangeByScoreAsync(index, double.NegativeInfinity, double.PositiveInfinity, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Where(KeySchema.IsValidName)
            .ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var commands = ids.Select(id => new RedisCommand("HGETALL", _keys.Worker(id)).WithKey().With(RedisCommandFlags.ReadOnly)).ToList();
        var descriptions = await _redis.ExecuteAllAsync(commands, s_hashFields, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var workers = new List<WorkerInfo>(ids.Count);
        var expired = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (descriptions[i].Count == 0)
            {
                expired.Add(ids[i]);
            }
            else
            {
                workers.Add(ReadWorker(ids[i], descriptions[i], now));
            }
        }

        if (expired.Count > 0)
        {
            RedisArg[] keys = [index, .. expired.Select(id => (RedisArg)_keys.Worker(id))];
            RedisArg[] arguments = [.. expired.Select(static id => (RedisArg)id)];
            await _redis.EvaluateAsync(ScriptCatalog.WorkerPrune, keys, arguments, RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        }

        workers.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return workers;
    }

    // The index is Herald's, but a member that cannot name a key was not written by it: leave it be.

    private static WorkerInfo ReadWorker(string id, IReadOnlyDictionary<string, string> fields, DateTimeOffset now)
    {
        var heartbeat = DateTimeOffset.FromUnixTimeMilliseconds(Number(fields, WorkerFields.Heartbeat));
        var interval = Number(fields, WorkerFields.Interval) is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : s_defaultHeartbeatInterval;
        var age = now > heartbeat ? now - heartbeat : TimeSpan.Zero;
        return new WorkerInfo(
            id,
            fields.GetValueOrDefault(WorkerFields.Host, string.Empty),
            (int)Number(fields, WorkerFields.ProcessId),
            fields.GetValueOrDefault(WorkerFields.Version, string.Empty),
            DateTimeOffset.FromUnixTimeMilliseconds(Number(fields, WorkerFields.Started)),
            heartbeat,
            age,
            interval,
            age > interval * WorkerFields.StaleAfterIntervals,
            (int)Number(fields, WorkerFields.Concurrency),
            (int)Number(fields, WorkerFields.InFlight),
            Number(fields, WorkerFields.Processed),
            Number(fields, WorkerFields.Failed),
            ReadConsumers(fields.GetValueOrDefault(WorkerFields.Consumers)));
    }

    private static long Number(IReadOnlyDictionary<string, string> fields, string field) =>
        fields.TryGetValue(field, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    // Read leniently: a worker of another version may describe its consumers with more or fewer properties.
    private static List<WorkerConsumerInfo> ReadConsumers(string? json)
    {
        var consumers = new List<WorkerConsumerInfo>();
        if (string.IsNullOrEmpty(json))
        {
            return consumers;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return consumers;
            }

            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (ReadConsumer(element) is { } consumer)
                {
                    consumers.Add(consumer);
                }
            }
        }
        catch (JsonException)
        {
            // A description that is not JSON lists no consumers; the worker's own fields still stand.
        }

        return consumers;
    }

    private static WorkerConsumerInfo? ReadConsumer(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || Text(element, WorkerFields.ConsumerDestination) is not { } name
            || !Destination.TryParse(name, out var destination))
        {
            return null;
        }

        var state = Enum.TryParse<ConsumerState>(Text(element, WorkerFields.ConsumerState), ignoreCase: true, out var parsed) ? parsed : ConsumerState.Running;
        return new WorkerConsumerInfo(
            destination,
            Text(element, WorkerFields.ConsumerGroup) ?? string.Empty,
            Text(element, WorkerFields.ConsumerName) ?? string.Empty,
            state,
            (int)Integer(element, WorkerFields.ConsumerConcurrency),
            (int)Integer(element, WorkerFields.ConsumerInFlight),
            Integer(element, WorkerFields.ConsumerProcessed),
            Integer(element, WorkerFields.ConsumerFailed));

        static string? Text(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        static long Integer(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;
    }
}
