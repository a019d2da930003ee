using System.Globalization;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Transports;
using Herald.Workers;

namespace Herald.Inspection;

public sealed partial class HeraldInspector
{
    private static readonly TimeSpan s_longestThroughputWindow = TimeSpan.FromDays(31);

    // HMGET as text, null for a missing field or key.
    private static readonly RespReplyParser<string?[]> s_hashValues = static reply => [.. reply.Items.Select(static item => item.AsString())];

    /// <summary>
    /// The throughput history of <paramref name="destination"/>: one point per minute over the last
    /// <paramref name="window"/> (rounded up to whole minutes), oldest first, ending with the current minute;
    /// minutes with no traffic, and minutes older than the retention, are zeros. Clients flush their counts
    /// every heartbeat interval, so the last few seconds may not be in the current minute yet.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not between one tick and 31 days.</exception>
    public ValueTask<IReadOnlyList<ThroughputPoint>> GetThroughputAsync(Destination destination, TimeSpan window, CancellationToken cancellationToken = default) =>
        ReadThroughputAsync(destination, window, cancellationToken);

    /// <summary>The throughput history of all destinations together, point for point as <see cref="GetThroughputAsync"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not between one tick and 31 days.</exception>
    public ValueTask<IReadOnlyList<ThroughputPoint>> GetTotalThroughputAsync(TimeSpan window, CancellationToken cancellationToken = default) =>
        ReadThroughputAsync(null, window, cancellationToken);

    /// <summary>
    /// The counts of every destination that had traffic over the last <paramref name="window"/> (rounded up to
    /// whole minutes, ending with the current one), summed over the window and ordered by destination: the
    /// recent rates of a whole deployment in one batch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not between one tick and 31 days.</exception>
    public async ValueTask<IReadOnlyList<DestinationThroughput>> GetThroughputByDestinationAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        var commands = ThroughputMinutes(window).Select(minute => new RedisCommand("HGETALL", _keys.Throughput(minute)).WithKey().With(RedisCommandFlags.ReadOnly)).ToList();
        var minutes = await _redis.ExecuteAllAsync(commands, s_hashFields, cancellationToken).ConfigureAwait(false);
        var sums = new Dictionary<Destination, ThroughputCounts>();
        foreach (var fields in minutes)
        {
            foreach (var (field, value) in fields)
            {
                if (ThroughputFields.TryParse(field, out var counter, out var destination))
                {
                    var count = Count(value);
                    sums[destination] = sums.GetValueOrDefault(destination) + counter switch
                    {
                        ThroughputFields.Published => new ThroughputCounts(count, 0, 0),
                        ThroughputFields.Processed => new ThroughputCounts(0, count, 0),
                        _ => new ThroughputCounts(0, 0, count),
                    };
                }
            }
        }

        return [.. sums
            .Select(static pair => new DestinationThroughput(pair.Key, pair.Value.Published, pair.Value.Processed, pair.Value.Failed))
            .OrderBy(static d => d.Destination.ToString(), StringComparer.Ordinal)];
    }

    private async ValueTask<IReadOnlyList<ThroughputPoint>> ReadThroughputAsync(Destination? destination, TimeSpan window, CancellationToken cancellationToken)
    {
        var minutes = ThroughputMinutes(window);
        var published = ThroughputFields.Field(ThroughputFields.Published, destination);
        var processed = ThroughputFields.Field(ThroughputFields.Processed, destination);
        var failed = ThroughputFields.Field(ThroughputFields.Failed, destination);
        var commands = minutes.Select(minute => new RedisCommand("HMGET", _keys.Throughput(minute), published, processed, failed).WithKey().With(RedisCommandFlags.ReadOnly)).ToList();
        var replies = await _redis.ExecuteAllAsync(commands, s_hashValues, cancellationToken).ConfigureAwait(false);
        var points = new ThroughputPoint[minutes.Count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new ThroughputPoint(minutes[i], Count(replies[i][0]), Count(replies[i][1]), Count(replies[i][2]));
        }

        return points;
    }

    // The minutes a window covers, oldest first, ending with the current one.
    private List<DateTimeOffset> ThroughputMinutes(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, s_longestThroughputWindow);
        var count = (int)((window.Ticks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute);
        var current = ThroughputFields.MinuteOf(_time.GetUtcNow());
        return [.. Enumerable.Range(0, count).Select(i => current - TimeSpan.FromMinutes(count - 1 - i))];
    }

    private static long Count(string? value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) ? count : 0;
}
