using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Herald.RateLimiting;

/// <summary>
/// A rate: at most <see cref="Permits"/> per <see cref="Period"/>, of which up to <see cref="Burst"/> may be
/// taken at once after the limit has been idle. Immutable; written and parsed Celery-style as
/// <c>10/s</c>, <c>100/m</c>, <c>1000/h</c> or <c>5/2s</c>, with <c> burst N</c> after it when the burst is not 1.
/// </summary>
/// <remarks>
/// Herald enforces a rate with GCRA (<see cref="GlobalRateLimiter"/>): permits are spaced one
/// <see cref="EmissionInterval"/> apart, and an idle limit lets <see cref="Burst"/> of them through at once.
/// In any window of one <see cref="Period"/> no more than <see cref="Permits"/> + <see cref="Burst"/> permits
/// are granted, and over a long run the rate is exactly <see cref="Permits"/> per <see cref="Period"/>.
/// </remarks>
public sealed class RateLimit : IEquatable<RateLimit>, IParsable<RateLimit>
{
    /// <summary>
    /// The burst when none is given: 1, so permits are spread evenly over the period (<c>10/s</c> is one every
    /// 100 ms), the smoothest load on whatever the limit protects, as Celery's token bucket of capacity 1 does.
    /// </summary>
    public const int DefaultBurst = 1;

    private const string Expected = "expected permits/period such as 10/s, 100/m, 1000/h or 5/2s (units ms, s, m, h, d), optionally followed by ' burst N'";

    /// <summary>Creates a limit of <paramref name="permits"/> per <paramref name="period"/>.</summary>
    /// <param name="permits">Permits per period; at least 1.</param>
    /// <param name="period">The period: a positive, whole number of milliseconds.</param>
    /// <param name="burst">Most permits granted at once after idleness; at least 1 (default <see cref="DefaultBurst"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range, or the rate exceeds a million permits a second.</exception>
    public RateLimit(int permits, TimeSpan period, int burst = DefaultBurst)
    {
        if (Invalid(permits, period, burst) is { } error)
        {
            throw new ArgumentOutOfRangeException(error.Parameter, error.Message);
        }

        Permits = permits;
        Period = period;
        Burst = burst;
    }

    /// <summary>Permits per <see cref="Period"/>.</summary>
    public int Permits { get; }

    /// <summary>The period over which <see cref="Permits"/> are granted.</summary>
    public TimeSpan Period { get; }

    /// <summary>Most permits granted at once after the limit has been idle (GCRA's burst tolerance). Default 1.</summary>
    public int Burst { get; }

    /// <summary>The spacing of permits at the steady rate: <see cref="Period"/> / <see cref="Permits"/>.</summary>
    public TimeSpan EmissionInterval => Period / Permits;

    /// <summary>The spacing of permits in microseconds, with its fraction (the unit of the Redis script).</summary>
    internal double IntervalMicroseconds => Period.Ticks / (double)TimeSpan.TicksPerMicrosecond / Permits;

    /// <summary>A limit of <paramref name="permits"/> per second.</summary>
    public static RateLimit PerSecond(int permits, int burst = DefaultBurst) => new(permits, TimeSpan.FromSeconds(1), burst);

    /// <summary>A limit of <paramref name="permits"/> per minute.</summary>
    public static RateLimit PerMinute(int permits, int burst = DefaultBurst) => new(permits, TimeSpan.FromMinutes(1), burst);

    /// <summary>A limit of <paramref name="permits"/> per hour.</summary>
    public static RateLimit PerHour(int permits, int burst = DefaultBurst) => new(permits, TimeSpan.FromHours(1), burst);

    /// <summary>Returns a copy with <see cref="Burst"/> set to <paramref name="burst"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="burst"/> is below 1.</exception>
    public RateLimit WithBurst(int burst) => new(Permits, Period, burst);

    /// <summary>
    /// Parses <c>permits/period</c>: <c>10/s</c>, <c>100/m</c>, <c>1000/h</c>, <c>5/2s</c>, <c>50/100ms</c>, <c>3/d</c>;
    /// a bare number is per second, as in Celery. <c> burst N</c> may follow: <c>10/s burst 5</c>.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a valid limit; the message says why.</exception>
    public static RateLimit Parse(string text) =>
        TryParse(text, out var limit, out var error) ? limit : throw new FormatException(error);

    /// <inheritdoc cref="Parse(string)" />
    static RateLimit IParsable<RateLimit>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Parses as <see cref="Parse(string)"/> does, returning false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RateLimit? limit) => TryParse(text, out limit, out _);

    /// <inheritdoc cref="TryParse(string?, out RateLimit?)" />
    static bool IParsable<RateLimit>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [NotNullWhen(true)] out RateLimit? result) => TryParse(s, out result);

    /// <summary>The limit as <see cref="Parse(string)"/> reads it: <c>10/s</c>, <c>5/2s</c>, <c>100/m burst 20</c>.</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Permits}/{FormatPeriod(Period)}");
        return Burst == DefaultBurst ? text : string.Create(CultureInfo.InvariantCulture, $"{text} burst {Burst}");
    }

    /// <inheritdoc />
    public bool Equals(RateLimit? other) =>
        other is not null && Permits == other.Permits && Period == other.Period && Burst == other.Burst;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RateLimit);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Permits, Period, Burst);

    private static bool TryParse(string? text, [NotNullWhen(true)] out RateLimit? limit, [NotNullWhen(false)] out string? error)
    {
        limit = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"A rate limit cannot be empty: {Expected}.";
            return false;
        }

        error = ParseParts(text.AsSpan().Trim(), out var permits, out var period, out var burst);
        if (error is null && Invalid(permits, period, burst) is { } invalid)
        {
            error = invalid.Message;
        }

        if (error is not null)
        {
            error = $"'{text}' is not a rate limit: {error}.";
            return false;
        }

        limit = new RateLimit(permits, period, burst);
        return true;
    }

    // The reason the text cannot be read, or null; range checks are left to Invalid.
    private static string? ParseParts(ReadOnlySpan<char> text, out int permits, out TimeSpan period, out int burst)
    {
        period = TimeSpan.FromSeconds(1);
        burst = DefaultBurst;
        var rate = text;
        var space = text.IndexOfAny(' ', '\t');
        if (space >= 0)
        {
            rate = text[..space];
            var rest = text[(space + 1)..].TrimStart();
            if (!rest.StartsWith("burst", StringComparison.OrdinalIgnoreCase))
            {
                permits = 0;
                return $"'{rest}' follows the rate where only 'burst N' may; {Expected}";
            }

            var count = rest["burst".Length..].Trim();
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out burst))
            {
                permits = 0;
                return $"the burst '{count}' is not a whole number";
            }
        }

        var slash = rate.IndexOf('/');
        var count0 = slash < 0 ? rate : rate[..slash];
        if (!int.TryParse(count0, NumberStyles.None, CultureInfo.InvariantCulture, out permits))
        {
            return $"the permits '{count0}' are not a whole number; {Expected}";
        }

        return slash < 0 ? null : ParsePeriod(rate[(slash + 1)..], out period);
    }

    private static string? ParsePeriod(ReadOnlySpan<char> text, out TimeSpan period)
    {
        period = default;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        var multiplier = 1;
        if (digits > 0 && !int.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out multiplier))
        {
            return $"the period '{text}' is too long";
        }

        TimeSpan? unit = text[digits..].ToString().ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(1),
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            "d" => TimeSpan.FromDays(1),
            _ => null,
        };
        if (unit is null)
        {
            return text.IsEmpty ? $"the period after '/' is missing; {Expected}" : $"the period '{text}' has no known unit; {Expected}";
        }

        if (multiplier > TimeSpan.MaxValue / unit.Value)
        {
            return $"the period '{text}' is too long";
        }

        period = unit.Value * multiplier;
        return null;
    }

    private static (string Parameter, string Message)? Invalid(int permits, TimeSpan period, int burst)
    {
        if (permits < 1)
        {
            return (nameof(permits), $"the permits must be at least 1 (they are {permits})");
        }

        if (period <= TimeSpan.Zero || period.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return (nameof(period), $"the period must be a positive whole number of milliseconds (it is {period})");
        }

        if (period.Ticks / TimeSpan.TicksPerMicrosecond < permits)
        {
            return (nameof(permits), $"{permits} permits per {period} is more than one per microsecond, finer than the limiter's clock");
        }

        return burst < 1 ? (nameof(burst), $"the burst must be at least 1 (it is {burst})") : null;
    }

    private static string FormatPeriod(TimeSpan period)
    {
        (long Ticks, string Unit)[] units = [(TimeSpan.TicksPerDay, "d"), (TimeSpan.TicksPerHour, "h"), (TimeSpan.TicksPerMinute, "m"), (TimeSpan.TicksPerSecond, "s")];
        foreach (var (ticks, unit) in units)
        {
            if (period.Ticks % ticks == 0)
            {
                var count = period.Ticks / ticks;
                return count == 1 ? unit : string.Create(CultureInfo.InvariantCulture, $"{count}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{period.Ticks / TimeSpan.TicksPerMillisecond}ms");
    }
}
