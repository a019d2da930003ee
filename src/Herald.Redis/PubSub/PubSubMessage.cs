using System.Text;

namespace Herald.Redis.PubSub;

/// <summary>The kind of a subscription.</summary>
public enum SubscriptionKind
{
    /// <summary><c>SUBSCRIBE</c>: one channel by name.</summary>
    Channel,

    /// <summary><c>PSUBSCRIBE</c>: every channel matching a glob pattern.</summary>
    Pattern,

    /// <summary><c>SSUBSCRIBE</c>: a sharded channel (Redis 7), served by the node that owns its slot.</summary>
    Sharded,
}

/// <summary>One message received on a subscription.</summary>
/// <param name="Channel">The channel it was published to.</param>
/// <param name="Payload">The published bytes.</param>
/// <param name="Pattern">For a pattern subscription, the pattern that matched; otherwise null.</param>
public readonly record struct PubSubMessage(string Channel, ReadOnlyMemory<byte> Payload, string? Pattern)
{
    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadAsString() => Encoding.UTF8.GetString(Payload.Span);
}
