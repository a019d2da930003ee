namespace Herald.Cli.Operations;

/// <summary>
/// Rates from the per-minute throughput history. A window of whole minutes ends with the current minute, which has
/// only just begun: a rate divides by the time the window really covers so far, not by its number of minutes.
/// </summary>
internal static class ThroughputRate
{
    /// <summary>The whole minutes a window of <paramref name="window"/> reads (rounded up, as the Inspector does).</summary>
    public static int Minutes(TimeSpan window) => (int)Math.Ceiling(window.TotalMinutes);

    /// <summary>
    /// How many minutes of history <paramref name="minutes"/> whole minutes ending with the current one hold at
    /// <paramref name="now"/>: the complete ones and what has passed of the current one; at least one minute,
    /// so that a rate read just after a minute began is not a few messages divided by nearly nothing.
    /// </summary>
    public static double CoveredMinutes(int minutes, DateTimeOffset now)
    {
        var intoCurrent = (now.UtcTicks % TimeSpan.TicksPerMinute) / (double)TimeSpan.TicksPerMinute;
        return Math.Max(1, minutes - 1 + intoCurrent);
    }

    /// <summary><paramref name="count"/> messages over <paramref name="coveredMinutes"/>, per minute, to one decimal.</summary>
    public static double PerMinute(long count, double coveredMinutes) => Math.Round(count / coveredMinutes, 1);
}
