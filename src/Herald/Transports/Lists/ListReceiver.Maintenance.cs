using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Scripting;
using Herald.Scripts;

namespace Herald.Transports.Lists;

/// <summary>Periodic care: the heartbeat, due delayed messages, and the reaper of dead consumers' work.</summary>
internal sealed partial class ListReceiver
{
    private const int PromoteBatch = 100;
    private const int ReapBatch = 16;
    private long _lastHeartbeat;
    private long _lastReap;

    public async ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_lastHeartbeat) >= _queueOptions.HeartbeatInterval)
        {
            await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        }

        await PromoteDelayedAsync(cancellationToken).ConfigureAwait(false);
        if (_time.GetElapsedTime(_lastReap) >= _queueOptions.HeartbeatInterval)
        {
            _lastReap = _time.GetTimestamp();
            await ReapDeadConsumersAsync(cancellationToken).ConfigureAwait(false);
        }

        // Reaped work goes back to the queue, where any consumer takes it: nothing is reclaimed here directly.
        return 0;
    }

    private async ValueTask HeartbeatAsync(CancellationToken cancellationToken)
    {
        _lastHeartbeat = _time.GetTimestamp();
        await _redis.SortedSetAddAsync(_consumers, _consumer, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask PromoteDelayedAsync(CancellationToken cancellationToken)
    {
        var keys = new RedisArg[_delayed.Length * 2];
        for (var level = 0; level < _delayed.Length; level++)
        {
            keys[level] = _delayed[level];
            keys[_delayed.Length + level] = _queues[level];
        }

        // A backlog of due messages drains in a few calls per tick, each short enough not to stall Redis.
        for (var call = 0; call < 10; call++)
        {
            var moved = await _redis.EvaluateAsync(ScriptCatalog.QueuePromoteDelayed, keys,
                [_time.GetUtcNow().ToUnixTimeMilliseconds(), PromoteBatch], RespParsers.Int64, cancellationToken).ConfigureAwait(false);
            if (moved < PromoteBatch)
            {
                return;
            }
        }
    }

    // The scan finds candidates; the script checks each heartbeat again, atomically with the return.
    private async ValueTask ReapDeadConsumersAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow().Subtract(_queueOptions.ConsumerTimeout).ToUnixTimeMilliseconds();
        var stale = await _redis.SortedSetRangeByScoreAsync(_consumers, double.NegativeInfinity, cutoff, 0, ReapBatch, cancellationToken).ConfigureAwait(false);
        var reaped = 0;
        foreach (var consumer in stale)
        {
            if (consumer == _consumer || !Keys.KeySchema.IsValidName(consumer))
            {
                continue;
            }

            if (await ReapAsync(consumer, cutoff, countAsDelivery: true, cancellationToken).ConfigureAwait(false) >= 0)
            {
                reaped++;
            }
        }

        if (reaped > 0)
        {
            ReceiverLog.Reaped(_logger, _destination, reaped);
        }
    }

    // Returns the items moved back to the queue, or -1 when the consumer's heartbeat is newer than the cut-off.
    private ValueTask<long> ReapAsync(string consumer, long cutoff, bool countAsDelivery, CancellationToken cancellationToken) =>
        _redis.EvaluateAsync(ScriptCatalog.QueueReapConsumer, [_consumers, _keys.Processing(_destination.Name, consumer), _deliveries, _queues[0],
            _keys.Landing(_destination.Name, consumer)],
            [consumer, cutoff, countAsDelivery ? 1 : 0], RespParsers.Int64, cancellationToken);

}
