using Herald.Consuming;
using Herald.Inspection;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

/// <summary>The system clock moved by a fixed amount, so ages the inspector computes are known to within the test's run time.</summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}

internal static class InspectionKit
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>An inspector over <paramref name="bus"/>'s Redis whose clock runs an hour ahead: every age it reports is about an hour.</summary>
    public static HeraldInspector HourAhead(HeraldClient bus) => new(bus.Redis!, bus.Keys, bus.Codec, new ShiftedClock(Hour));

    /// <summary>Whether <paramref name="age"/> is an hour plus at most the time a test takes.</summary>
    public static bool IsAboutAnHour(TimeSpan? age) => age is { } a && a >= Hour && a < Hour + TimeSpan.FromMinutes(1);

    /// <summary>Consumer settings that dead-letter a failing message at its first failure.</summary>
    public static void FailOnce(ConsumerOptions options)
    {
        BusFixture.Fast(options);
        options.Retry.MaxDeliveries = 1;
    }

    /// <summary>Waits until <paramref name="destination"/> has <paramref name="count"/> dead letters, as the inspector counts them.</summary>
    public static Task DeadLettersAsync(HeraldInspector inspector, Destination destination, long count) =>
        Wait.UntilAsync(async () => await inspector.CountDeadLettersAsync(destination) == count, because: $"{destination} has {count} dead letters");

    /// <summary>Waits for <paramref name="cycles"/> maintenance passes of <paramref name="consumer"/>: time in which it could have fetched.</summary>
    public static Task CyclesAsync(Consumer consumer, int cycles)
    {
        var target = consumer.MaintenanceCycles + cycles;
        return Wait.UntilAsync(() => consumer.MaintenanceCycles >= target, because: $"{cycles} maintenance passes");
    }
}
