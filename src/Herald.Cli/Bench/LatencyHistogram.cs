using System.Numerics;

namespace Herald.Cli.Bench;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: values below 256 ns get a bucket each,
/// above that every power of two is split into 128 linear buckets, so any recorded value is known to
/// within 1/128 (0.8 %) while the range up to four hours fits in five thousand counters.
/// Recording is a shift and an increment: cheap enough to sit inside the measured loop. Not thread-safe.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int LinearLimit = SubBucketCount * 2;
    private const int MaxExponent = 44;

    private readonly long[] _counts = new long[LinearLimit + ((MaxExponent - SubBucketBits) * SubBucketCount)];

    /// <summary>Number of values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded, exactly.</summary>
    public long Max { get; private set; }

    /// <summary>The smallest value recorded, exactly (0 when empty).</summary>
    public long Min { get; private set; } = long.MaxValue;

    /// <summary>Records one value in nanoseconds; negative values count as zero, huge ones saturate.</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        var index = Math.Min(IndexOf(value), _counts.Length - 1);
        _counts[index]++;
        Count++;
        Max = Math.Max(Max, value);
        Min = Math.Min(Min, value);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100): the middle of the bucket holding the value of
    /// that rank (rounded as HdrHistogram does), clamped to the exact minimum; the top rank is the exact
    /// maximum. 0 when nothing was recorded.
    /// </summary>
    public double ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)((percentile / 100 * Count) + 0.5));
        if (rank >= Count)
        {
            return Max;
        }

        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, width) = BucketOf(i);
                return Math.Clamp(low + ((width - 1) / 2.0), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>
    /// How many values fell in each band of a distribution: band <c>i</c> holds values below
    /// <paramref name="upperBounds"/>[i] (in nanoseconds, ascending) and at or above the bound before it; one more
    /// band at the end holds everything above the last bound. A bucket counts whole in the band of its lowest
    /// value, so a band's edge is exact to within the bucket width (0.8 %).
    /// </summary>
    public long[] Distribution(IReadOnlyList<long> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        var bands = new long[upperBounds.Count + 1];
        var band = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] == 0)
            {
                continue;
            }

            var (low, _) = BucketOf(i);
            while (band < upperBounds.Count && low >= upperBounds[band])
            {
                band++;
            }

            bands[band] += _counts[i];
        }

        return bands;
    }

    internal static int IndexOf(long value)
    {
        if (value < LinearLimit)
        {
            return (int)value;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = exponent - SubBucketBits;
        var subBucket = (int)(value >> shift) & (SubBucketCount - 1);
        return LinearLimit + ((exponent - SubBucketBits - 1) * SubBucketCount) + subBucket;
    }

    internal static (long Low, long Width) BucketOf(int index)
    {
        if (index < LinearLimit)
        {
            return (index, 1);
        }

        var octave = (index - LinearLimit) / SubBucketCount;
        var subBucket = (index - LinearLimit) % SubBucketCount;
        var shift = octave + 1;
        var low = (long)(SubBucketCount + subBucket) << shift;
        return (low, 1L << shift);
    }
}
