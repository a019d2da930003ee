using System.Diagnostics.CodeAnalysis;

namespace Herald.Workers;

/// <summary>The field names of a throughput minute hash (see <see cref="Keys.KeySchema.Throughput"/>), shared by the writer and the Inspector.</summary>
internal static class ThroughputFields
{
    public const string Published = "published";
    public const string Processed = "processed";
    public const string Failed = "failed";

    /// <summary>The start of the UTC minute <paramref name="time"/> falls in.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary><c>&lt;counter&gt;:&lt;kind&gt;:&lt;name&gt;</c> for a destination, <c>&lt;counter&gt;</c> for the total across destinations.</summary>
    public static string Field(string counter, Destination? destination) => destination is { } d ? $"{counter}:{d}" : counter;

    /// <summary>Splits a per-destination field back into its counter and destination; false for totals and fields Herald did not write.</summary>
    public static bool TryParse(string field, [NotNullWhen(true)] out string? counter, out Destination destination)
    {
        destination = default;
        counter = null;
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || field[..colon] is not (Published or Processed or Failed))
        {
            return false;
        }

        if (!Destination.TryParse(field[(colon + 1)..], out destination))
        {
            return false;
        }

        counter = field[..colon];
        return true;
    }
}
