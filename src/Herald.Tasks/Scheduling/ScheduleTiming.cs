using System.Globalization;
using NCrontab;

namespace Herald.Tasks.Scheduling;

/// <summary>
/// When a periodic entry is due: a set of instants (whole seconds, UTC) every scheduler computes alike, so the ticks
/// of one entry have the same ids in every process.
/// </summary>
internal abstract class ScheduleTiming
{
    /// <summary>Ticks are whole Unix seconds: the tick's task id is built from them.</summary>
    protected static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>How the schedule reads in logs and in Redis, e.g. <c>cron 0 3 * * * Europe/Paris</c> or <c>every 00:05:00</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The first tick strictly after <paramref name="instant"/>, or null when there is none.</summary>
    public abstract DateTimeOffset? NextAfter(DateTimeOffset instant);

    /// <summary>The last tick at or before <paramref name="instant"/> and strictly after <paramref name="after"/>, or null.</summary>
    public virtual DateTimeOffset? LatestBetween(DateTimeOffset after, DateTimeOffset instant)
    {
        if (instant <= after)
        {
            return null;
        }

        // Search back in doubling windows, so a dense schedule is found in a short one and a sparse one in a few
        // steps, without walking every tick since a long downtime.
        for (var span = Second; ; span += span)
        {
            var from = span >= instant - after ? after : instant - span;

            if (NextAfter(from) is { } first && first <= instant)
            {
                var latest = first;
                while (NextAfter(latest) is { } next && next <= instant)
                {
                    latest = next;
                }

                return latest;
            }

            if (from == after)
            {
                return null;
            }
        }
    }

    /// <summary>Truncates to whole seconds.</summary>
    protected static DateTimeOffset Floor(DateTimeOffset instant) =>
        DateTimeOffset.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
}

/// <summary>Every <c>interval</c>, aligned to the Unix epoch, so every process agrees on the ticks without talking.</summary>
internal sealed class IntervalTiming : ScheduleTiming
{
    private readonly long _seconds;

    public IntervalTiming(TimeSpan interval)
    {
        if (interval < Second || interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A periodic interval is a whole number of seconds, at least one.");
        }

        _seconds = (long)interval.TotalSeconds;
        Interval = interval;
    }

    public TimeSpan Interval { get; }

    public override string Description => "every " + Interval.ToString("c", CultureInfo.InvariantCulture);

    public override DateTimeOffset? NextAfter(DateTimeOffset instant) => Tick(Index(instant) + 1);

    public override DateTimeOffset? LatestBetween(DateTimeOffset after, DateTimeOffset instant)
    {
        var latest = Tick(Index(instant));
        return latest > after && latest <= instant ? latest : null;
    }

    // The number of whole intervals since the epoch, rounded down (also before 1970).
    private long Index(DateTimeOffset instant)
    {
        var milliseconds = instant.ToUnixTimeMilliseconds();
        var period = _seconds * 1000;
        return milliseconds >= 0 ? milliseconds / period : ((milliseconds + 1) / period) - 1;
    }

    private DateTimeOffset Tick(long index) => DateTimeOffset.FromUnixTimeSeconds(index * _seconds);
}

/// <summary>
/// A cron expression (5 fields, or 6 with seconds first) read in a time zone. Where daylight saving time skips local
/// times, their ticks fall on the first instant after the jump; where it repeats them, they run once, the first time.
/// </summary>
internal sealed class CronTiming : ScheduleTiming
{
    // NCrontab returns the end of the search when nothing occurs before it.
    private static readonly DateTime s_end = new(9999, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    private readonly CrontabSchedule _cron;

    public CronTiming(string expression, TimeZoneInfo zone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        ArgumentNullException.ThrowIfNull(zone);
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            throw new ArgumentException(
                $"'{expression}' is not a cron expression: it has {fields} field(s); use 5 (minute hour day-of-month month day-of-week) or 6 (second first).",
                nameof(expression));
        }

        try
        {
            _cron = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
        }
        catch (CrontabException exception)
        {
            throw new ArgumentException($"'{expression}' is not a valid cron expression: {exception.Message}", nameof(expression), exception);
        }

        Expression = expression;
        Zone = zone;
        if (NextAfter(DateTimeOffset.UnixEpoch) is null)
        {
            throw new ArgumentException($"'{expression}' never matches a date (such as the 30th of February).", nameof(expression));
        }
    }

    public string Expression { get; }

    public TimeZoneInfo Zone { get; }

    public override string Description => Zone.Equals(TimeZoneInfo.Utc) ? $"cron {Expression}" : $"cron {Expression} {Zone.Id}";

    public override DateTimeOffset? NextAfter(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone).DateTime;
        while (true)
        {
            var next = DateTime.SpecifyKind(_cron.GetNextOccurrence(local, s_end), DateTimeKind.Unspecified);
            if (next >= s_end)
            {
                return null;
            }

            // Local times repeated by a change of clocks map to instants already passed; go on past them.
            var tick = ToInstant(next);
            if (tick > instant)
            {
                return tick;
            }

            local = next;
        }
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        if (Zone.IsInvalidTime(local))
        {
            return EndOfGap(local);
        }

        if (Zone.IsAmbiguousTime(local))
        {
            // Its first occurrence is the one with the larger offset (before the clocks go back).
            return new DateTimeOffset(local, Zone.GetAmbiguousTimeOffsets(local).Max());
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    // A local time the clocks skip: the instant they jump, found between the readings of the time with the offsets
    // before and after the jump (a day either side is clear of it: no zone changes its clocks twice a day).
    private DateTimeOffset EndOfGap(DateTime local)
    {
        var before = Zone.GetUtcOffset(local.AddDays(-1));
        var after = Zone.GetUtcOffset(local.AddDays(1));
        var low = Floor(new DateTimeOffset(local - after, TimeSpan.Zero));
        var high = Floor(new DateTimeOffset(local - before, TimeSpan.Zero));
        while (high - low > Second)
        {
            var middle = Floor(low + ((high - low) / 2));
            if (Zone.GetUtcOffset(middle) == after)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }
}
