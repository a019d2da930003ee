using System.Globalization;

namespace Herald.Cli.Operations;

/// <summary>How operator commands write figures: short ages for tables, seconds for JSON, counts with separators.</summary>
internal static class Figures
{
    /// <summary><c>850ms</c>, <c>12s</c>, <c>3m 12s</c>, <c>2h 05m</c>, <c>3d 04h</c>; <c>-</c> when there is no age.</summary>
    public static string Age(TimeSpan? age) => age switch
    {
        null => "-",
        { TotalSeconds: < 1 } a => Invariant($"{(int)a.TotalMilliseconds}ms"),
        { TotalMinutes: < 1 } a => Invariant($"{(int)a.TotalSeconds}s"),
        { TotalHours: < 1 } a => Invariant($"{a.Minutes}m {a.Seconds:00}s"),
        { TotalDays: < 1 } a => Invariant($"{a.Hours}h {a.Minutes:00}m"),
        { } a => Invariant($"{(int)a.TotalDays}d {a.Hours:00}h"),
    };

    /// <summary>An age given in seconds (as the JSON results carry it), written as <see cref="Age(TimeSpan?)"/>.</summary>
    public static string Age(double? seconds) => Age(seconds is { } s ? TimeSpan.FromSeconds(s) : null);

    /// <summary>An age in seconds for JSON (milliseconds precision), or null.</summary>
    public static double? Seconds(TimeSpan? age) => age is { } a ? Seconds(a) : null;

    /// <summary>A duration in seconds for JSON (milliseconds precision).</summary>
    public static double Seconds(TimeSpan age) => Math.Round(age.TotalSeconds, 3);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A rate: one decimal below 10 (<c>0.4</c>, <c>2.5</c>), whole numbers with separators above (<c>1,240</c>).</summary>
    public static string Rate(double value) => value.ToString(Math.Abs(value) < 10 ? "0.#" : "N0", CultureInfo.InvariantCulture);

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
