using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Herald.Redis.Commands;

/// <summary>
/// A concrete stream entry id, <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>, ordered as Redis orders them.
/// The command helpers take and return ids as text (what the server sends); this type is for comparing,
/// computing trim points and formatting. The special tokens are constants of this type.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct StreamId : IEquatable<StreamId>, IComparable<StreamId>, IComparable
{
    /// <summary><c>*</c>: let the server generate the id (XADD).</summary>
    public const string Auto = "*";

    /// <summary><c>$</c>: the stream's last id, so only entries added from now on (XREAD, XGROUP CREATE/SETID).</summary>
    public const string Latest = "$";

    /// <summary><c>&gt;</c>: entries never delivered to any consumer of the group (XREADGROUP).</summary>
    public const string Undelivered = ">";

    /// <summary><c>-</c>: the smallest id, the open start of a range (XRANGE, XPENDING, XAUTOCLAIM).</summary>
    public const string RangeStart = "-";

    /// <summary><c>+</c>: the largest id, the open end of a range.</summary>
    public const string RangeEnd = "+";

    /// <summary>Creates the id <paramref name="milliseconds"/>-<paramref name="sequence"/>.</summary>
    public StreamId(ulong milliseconds, ulong sequence)
    {
        Milliseconds = milliseconds;
        Sequence = sequence;
    }

    /// <summary><c>0-0</c>, below every entry: reading a group "from the beginning" uses it.</summary>
    public static StreamId Min { get; } = new(0, 0);

    /// <summary>The largest id Redis accepts.</summary>
    public static StreamId Max { get; } = new(ulong.MaxValue, ulong.MaxValue);

    /// <summary>The Unix time in milliseconds part.</summary>
    public ulong Milliseconds { get; }

    /// <summary>The sequence number within the millisecond.</summary>
    public ulong Sequence { get; }

    /// <summary>The time part as a timestamp (ids made by the server are wall-clock milliseconds).</summary>
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(Milliseconds, (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));

    /// <summary>Equality.</summary>
    public static bool operator ==(StreamId left, StreamId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StreamId left, StreamId right) => !left.Equals(right);

    /// <summary>Ordering as Redis orders ids.</summary>
    public static bool operator <(StreamId left, StreamId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering as Redis orders ids.</summary>
    public static bool operator >(StreamId left, StreamId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering as Redis orders ids.</summary>
    public static bool operator <=(StreamId left, StreamId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering as Redis orders ids.</summary>
    public static bool operator >=(StreamId left, StreamId right) => left.CompareTo(right) >= 0;

    /// <summary>The first id at <paramref name="time"/> (sequence 0): a <c>MINID</c> trim point or a range bound.</summary>
    public static StreamId FromTimestamp(DateTimeOffset time)
    {
        var milliseconds = time.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(time));
        return new((ulong)milliseconds, 0);
    }

    /// <summary>Parses <c>ms-seq</c> or <c>ms</c> (sequence 0, as Redis reads a bare number).</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a concrete id.</exception>
    public static StreamId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a stream id.");

    /// <summary>Parses <c>ms-seq</c> or <c>ms</c>; false for special tokens and malformed text.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out StreamId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var sequence = 0UL;
        if (!ulong.TryParse(dash < 0 ? text : text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || (dash >= 0 && !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence)))
        {
            return false;
        }

        id = new(milliseconds, sequence);
        return true;
    }

    /// <summary>The smallest id greater than this one: the exclusive start of the next range page.</summary>
    public StreamId Next() =>
        Sequence == ulong.MaxValue
            ? new(checked(Milliseconds + 1), 0)
            : new(Milliseconds, Sequence + 1);

    /// <inheritdoc />
    public bool Equals(StreamId other) => Milliseconds == other.Milliseconds && Sequence == other.Sequence;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StreamId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Milliseconds, Sequence);

    /// <inheritdoc />
    public int CompareTo(StreamId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        StreamId other => CompareTo(other),
        _ => throw new ArgumentException("Not a StreamId.", nameof(obj)),
    };

    /// <summary>The id as Redis writes it, <c>ms-seq</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
