using System.Runtime.InteropServices;

namespace Herald.Workers;

/// <summary>Published, processed and failed message counts of a destination (or of all of them) over some time.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct ThroughputCounts(long Published, long Processed, long Failed)
{
    public static ThroughputCounts operator +(ThroughputCounts left, ThroughputCounts right) =>
        new(left.Published + right.Published, left.Processed + right.Processed, left.Failed + right.Failed);
}
