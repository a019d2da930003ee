namespace Herald.Transports.Lists;

/// <summary>Settings of one reliable list queue.</summary>
public sealed class QueueOptions
{
    /// <summary>Priority levels; level 0 is served first. Default 1 (no priorities).</summary>
    public int Priorities { get; set; } = 1;

    /// <summary>How often a consumer refreshes its heartbeat. Default 2 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A consumer whose heartbeat is older than this is presumed dead; the reaper returns its work to the queue. Default 30 s.</summary>
    public TimeSpan ConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws for an invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Priorities, 1, nameof(Priorities));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Priorities, 16, nameof(Priorities));
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatInterval, TimeSpan.FromMilliseconds(50), nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConsumerTimeout, HeartbeatInterval, nameof(ConsumerTimeout));
    }
}
