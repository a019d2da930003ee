using System.Runtime.InteropServices;

namespace Herald.Inspection;

/// <summary>Messages counted in one minute of the throughput history.</summary>
/// <param name="Minute">The start of the minute (UTC).</param>
/// <param name="Published">Messages published.</param>
/// <param name="Processed">Messages handled successfully and acknowledged.</param>
/// <param name="Failed">Deliveries whose handling failed (after in-process retries).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct ThroughputPoint(DateTimeOffset Minute, long Published, long Processed, long Failed);

/// <summary>Messages of one destination counted over a window of the throughput history.</summary>
/// <param name="Destination">The destination.</param>
/// <param name="Published">Messages published.</param>
/// <param name="Processed">Messages handled successfully and acknowledged.</param>
/// <param name="Failed">Deliveries whose handling failed (after in-process retries).</param>
[StructLayout(LayoutKind.Auto)]
public readonly record struct DestinationThroughput(Destination Destination, long Published, long Processed, long Failed);
