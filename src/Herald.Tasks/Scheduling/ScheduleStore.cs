using System.Globalization;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Scripting;
using Herald.Tasks.Scripts;

namespace Herald.Tasks.Scheduling;

/// <summary>Reads and writes the record of periodic task entries (<see cref="KeySchema.PeriodicSchedule"/>).</summary>
internal sealed class ScheduleStore(RedisClient redis, KeySchema keys)
{
    private const string LastField = "last";

    /// <summary>Records an enqueued tick (or, with none, announces the entry); returns the last tick Redis holds.</summary>
    public async ValueTask<DateTimeOffset?> RecordAsync(PeriodicSchedule schedule, string queue, DateTimeOffset? tick, string? taskId, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var last = await redis.EvaluateAsync(TaskScripts.ScheduleRecord, [keys.PeriodicSchedules(), keys.PeriodicSchedule(schedule.Name)],
            [
                schedule.Name, Milliseconds(tick), taskId ?? string.Empty, Milliseconds(next),
                schedule.TaskName, queue, schedule.Timing.Description,
            ],
            RespParsers.Int64, cancellationToken).ConfigureAwait(false);
        return last == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(last);
    }

    /// <summary>The last tick enqueued of each entry, in order; null for one no scheduler has enqueued.</summary>
    public async ValueTask<DateTimeOffset?[]> ReadLastTicksAsync(IReadOnlyList<PeriodicSchedule> schedules, CancellationToken cancellationToken)
    {
        var reads = schedules.Select(schedule => redis.HashGetAsync(keys.PeriodicSchedule(schedule.Name), LastField, cancellationToken).AsTask());
        var lasts = await Task.WhenAll(reads).ConfigureAwait(false);
        return [.. lasts.Select(Time)];
    }

    /// <summary>Every entry any scheduler has recorded, by name.</summary>
    public async ValueTask<IReadOnlyList<PeriodicScheduleInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await redis.ExecuteAsync(new RedisCommand("SMEMBERS", keys.PeriodicSchedules()).WithKey(),
            static reply => Enumerable.Range(0, reply.Count).Select(i => reply[i].AsString() ?? string.Empty).ToList(), cancellationToken).ConfigureAwait(false);
        var reads = names.Order(StringComparer.Ordinal).Select(name => ReadAsync(name, cancellationToken).AsTask());
        return await Task.WhenAll(reads).ConfigureAwait(false);
    }

    private async ValueTask<PeriodicScheduleInfo> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var fields = await redis.HashGetAllAsync(keys.PeriodicSchedule(name), cancellationToken).ConfigureAwait(false);
        return new PeriodicScheduleInfo
        {
            Name = name,
            TaskName = fields.GetValueOrDefault("task"),
            Queue = fields.GetValueOrDefault("queue"),
            Schedule = fields.GetValueOrDefault("schedule"),
            LastTick = Time(fields.GetValueOrDefault(LastField)),
            LastTaskId = fields.GetValueOrDefault("last-task"),
            NextTick = Time(fields.GetValueOrDefault("next")),
        };
    }

    private static RedisArg Milliseconds(DateTimeOffset? instant) => instant is { } value ? value.ToUnixTimeMilliseconds() : string.Empty;

    private static DateTimeOffset? Time(string? milliseconds) =>
        long.TryParse(milliseconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
