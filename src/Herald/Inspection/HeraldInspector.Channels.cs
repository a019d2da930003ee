using Herald.Redis.Commands;

namespace Herald.Inspection;

/// <summary>Pub/Sub channels: subscribers now, and what failed.</summary>
public sealed partial class HeraldInspector
{
    /// <summary>A channel's subscribers (<c>PUBSUB NUMSUB</c>), dead letters and paused groups. Any channel name may be asked about.</summary>
    /// <param name="channel">The channel, exactly as published on.</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    public async ValueTask<ChannelDetails> GetChannelAsync(string channel, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var destination = new Destination(DestinationKind.Channel, channel);
        var counts = await _redis.SubscriberCountsAsync([channel], cancellationToken).ConfigureAwait(false);
        var deadLetters = await CountDeadLettersByKeyAsync(destination, 1, cancellationToken).ConfigureAwait(false);
        var paused = await PausedGroupsAsync(destination, cancellationToken).ConfigureAwait(false);
        return new ChannelDetails(channel, counts.GetValueOrDefault(channel), deadLetters[0], [.. paused.Keys.Order(StringComparer.Ordinal)]);
    }
}
