using Herald.Tasks.Scheduling;

namespace Herald.Tasks.Tests.Scheduling;

/// <summary>When entries tick, and what they refuse, without Redis.</summary>
public sealed class PeriodicScheduleTests
{
    private static readonly DateTimeOffset s_noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("*/15 * * * *", "12:07:00", "12:15:00")]
    [InlineData("*/15 * * * *", "12:15:00", "12:30:00")]
    [InlineData("0 3 * * *", "12:00:00", "1.03:00:00")]
    [InlineData("*/20 * * * * *", "12:00:03", "12:00:20")]
    [InlineData("5 0 12 * * *", "11:59:00", "12:00:05")]
    public void NextAfter_CronInUtc_NextMatchingInstant(string cron, string after, string expected)
    {
        var schedule = PeriodicSchedule.Cron("report", "reports.make", 1, cron);

        schedule.NextAfter(At(after)).Should().Be(At(expected));
    }

    [Fact]
    public void NextAfter_CronInAZone_ReadInThatZonesLocalTime()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var schedule = PeriodicSchedule.Cron("morning", "reports.make", 1, "0 9 * * *", tokyo);

        schedule.NextAfter(s_noon).Should().Be(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero), "09:00 in Tokyo is 00:00 UTC");
        schedule.TimeZone.Should().Be(tokyo);
        schedule.CronExpression.Should().Be("0 9 * * *");
        schedule.Interval.Should().BeNull();
    }

    [Fact]
    public void NextAfter_LocalTimeSkippedByDaylightSaving_TicksWhenTheClocksJump()
    {
        // Berlin jumps from 02:00 to 03:00 local (01:00 UTC) on 31 March 2030: 02:30 does not exist that day.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var schedule = PeriodicSchedule.Cron("night", "reports.make", 1, "30 2 * * *", berlin);

        var jump = schedule.NextAfter(new DateTimeOffset(2030, 3, 30, 12, 0, 0, TimeSpan.Zero));
        var dayAfter = schedule.NextAfter(jump!.Value);

        jump.Should().Be(new DateTimeOffset(2030, 3, 31, 1, 0, 0, TimeSpan.Zero));
        dayAfter.Should().Be(new DateTimeOffset(2030, 4, 1, 0, 30, 0, TimeSpan.Zero), "02:30 summer time is 00:30 UTC");
    }

    [Fact]
    public void NextAfter_LocalTimeRepeatedByDaylightSaving_TicksOnceTheFirstTime()
    {
        // Berlin goes back from 03:00 to 02:00 local (01:00 UTC) on 27 October 2030: 02:30 happens twice.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var schedule = PeriodicSchedule.Cron("night", "reports.make", 1, "30 2 * * *", berlin);

        var first = schedule.NextAfter(new DateTimeOffset(2030, 10, 26, 12, 0, 0, TimeSpan.Zero));
        var next = schedule.NextAfter(first!.Value);

        first.Should().Be(new DateTimeOffset(2030, 10, 27, 0, 30, 0, TimeSpan.Zero), "the first 02:30 is summer time");
        next.Should().Be(new DateTimeOffset(2030, 10, 28, 1, 30, 0, TimeSpan.Zero), "the repeated 02:30 is skipped; the next is a day later, in winter time");
        schedule.NextAfter(new DateTimeOffset(2030, 10, 27, 1, 0, 0, TimeSpan.Zero)).Should().Be(next, "from inside the repeated hour too");
    }

    [Theory]
    [InlineData("00:05:00", "12:07:30", "12:10:00")]
    [InlineData("01:00:00", "12:00:00", "13:00:00")]
    [InlineData("00:00:07", "12:00:00", "12:00:02")]
    public void NextAfter_Interval_MultiplesSinceTheUnixEpoch(string interval, string after, string expected)
    {
        var schedule = PeriodicSchedule.Every("poll", "feeds.poll", 1, TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture));

        schedule.NextAfter(At(after)).Should().Be(At(expected));
        (schedule.NextAfter(At(after))!.Value.ToUnixTimeSeconds() % (long)schedule.Interval!.Value.TotalSeconds).Should().Be(0);
    }

    [Theory]
    [InlineData("every minute")]
    [InlineData("* * *")]
    [InlineData("* * * * * * *")]
    [InlineData("61 * * * *")]
    [InlineData("0 25 * * *")]
    public void Cron_InvalidExpression_ArgumentExceptionNamingIt(string cron)
    {
        var create = () => PeriodicSchedule.Cron("bad", "reports.make", 1, cron);

        create.Should().Throw<ArgumentException>().WithMessage($"*'{cron}'*cron expression*");
    }

    [Fact]
    public void Cron_ExpressionThatNeverMatches_ArgumentException()
    {
        var create = () => PeriodicSchedule.Cron("never", "reports.make", 1, "0 0 30 2 *");

        create.Should().Throw<ArgumentException>().WithMessage("*never matches*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(1500)]
    public void Every_IntervalNotWholeSeconds_ArgumentOutOfRangeException(int milliseconds)
    {
        var create = () => PeriodicSchedule.Every("poll", "feeds.poll", 1, TimeSpan.FromMilliseconds(milliseconds));

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*whole number of seconds*");
    }

    [Fact]
    public void Every_OptionsTheSchedulerSetsPerTick_ArgumentException()
    {
        var minute = TimeSpan.FromMinutes(1);

        var withId = () => PeriodicSchedule.Every("a", "t", 1, minute, new TaskOptions { TaskId = "x" });
        var withRunAt = () => PeriodicSchedule.Every("a", "t", 1, minute, new TaskOptions { RunAt = s_noon });
        var badName = () => PeriodicSchedule.Every("has space", "t", 1, minute);

        withId.Should().Throw<ArgumentException>().WithMessage("*sets TaskId and UniqueFor*");
        withRunAt.Should().Throw<ArgumentException>().WithMessage("*Delay and ExpiresAfter*");
        badName.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void TaskIdFor_Tick_EntryNameAtUnixSeconds()
    {
        var schedule = PeriodicSchedule.Every("poll", "feeds.poll", 1, TimeSpan.FromMinutes(1));

        schedule.TaskIdFor(s_noon).Should().Be($"poll@{s_noon.ToUnixTimeSeconds()}");
    }

    // A time of day on 1 January 2030 (UTC); "1.03:00:00" is 03:00 the day after.
    private static DateTimeOffset At(string time) =>
        new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) + TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture);
}
