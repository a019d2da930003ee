using System.Globalization;

namespace Herald.Cli.Operations;

/// <summary>Reads durations (<c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, or plain seconds) and points in time (a duration ago, or ISO 8601).</summary>
internal static class TimeArguments
{
    // About 31 years: beyond it a duration is a typo, and TimeSpan would overflow further on.
    private const double MaxSeconds = 1e9;

    private static readonly (string Suffix, double Seconds)[] s_units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)];

    /// <summary>A duration given to <paramref name="option"/>.</summary>
    /// <exception cref="CliUsageException">Not a duration, or a negative one.</exception>
    public static TimeSpan ParseDuration(string text, string option)
    {
        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        throw new CliUsageException($"{option} '{text}' is not a duration: write e.g. 500ms, 30s, 10m, 2h or 1d.");
    }

    /// <summary>A time: <c>10m</c> means ten minutes before <paramref name="now"/>; otherwise an ISO 8601 time (UTC unless it names an offset).</summary>
    /// <exception cref="CliUsageException">Neither.</exception>
    public static DateTimeOffset ParseTime(string text, string option, DateTimeOffset now)
    {
        if (TryParseDuration(text, out var ago))
        {
            return now - ago;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new CliUsageException($"{option} '{text}' is neither a duration ago (10m, 2h, 1d) nor a time (2025-05-06T14:00:00Z).");
    }

    private static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var trimmed = text.Trim();
        foreach (var (suffix, seconds) in s_units)
        {
            // "ms" before "s" and "m": the first unit whose suffix ends the text and leaves a number wins.
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(trimmed.AsSpan(0, trimmed.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value >= 0 && value * seconds <= MaxSeconds)
            {
                duration = TimeSpan.FromSeconds(value * seconds);
                return true;
            }
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain >= 0 && plain <= MaxSeconds)
        {
            duration = TimeSpan.FromSeconds(plain);
            return true;
        }

        return false;
    }
}
