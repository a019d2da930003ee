using Herald.Diagnostics;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Protocol;
using Herald.Redis.Scripting;
using Herald.Scripts;

namespace Herald.Transports.Lists;

/// <summary>Taking items: the take script, the delivery count, and orphans whose take reply was lost.</summary>
internal sealed partial class ListReceiver
{
    // Moves up to max items into the processing list (the landing list's first) and reports them together with
    // `moved` (items already there); every one becomes held. Nothing is added to `into` unless the script ran.
    private async ValueTask<int> TakeAsync(List<Delivery> into, int max, IReadOnlyList<ReadOnlyMemory<byte>> moved, CancellationToken cancellationToken)
    {
        var reply = await _redis.EvaluateAsync(ScriptCatalog.QueueTakeNext, _takeKeys, TakeArguments(max, moved), cancellationToken).ConfigureAwait(false);
        return await AcceptAsync(into, reply).ConfigureAwait(false);
    }

    // The blocking BLMOVE lands an item in the landing list, and the take script, sent with it on the lease, moves
    // it into the processing list as soon as the wait ends: one round trip from arrival to delivery. Should the
    // reply be lost, the item waits in the landing list for the next take (or the reaper).
    private async ValueTask WaitAndTakeAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        _lease ??= await _redis.LeaseAsync(cancellationToken).ConfigureAwait(false);
        RespValue reply;
        try
        {
            (_, reply) = await _lease.ExecutePairAsync(
                RedisListCommands.BlockingMove(_queues[0], _landing, ListSide.Right, ListSide.Left, _options.BlockTime), RespParsers.Memory,
                RedisScriptingExtensions.EvaluateShaCommand(ScriptCatalog.QueueTakeNext, _takeKeys, TakeArguments(max, [])), RespParsers.Value,
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException error) when (error.Kind == RedisErrorKind.NoScript)
        {
            // A restarted or flushed server: this take loads the script, and takes what landed.
            await TakeAsync(into, max, [], cancellationToken).ConfigureAwait(false);
            return;
        }

        await AcceptAsync(into, reply).ConfigureAwait(false);
    }

    private static RedisArg[] TakeArguments(int max, IReadOnlyList<ReadOnlyMemory<byte>> moved)
    {
        var args = new RedisArg[1 + moved.Count];
        args[0] = Math.Max(max, 0);
        for (var i = 0; i < moved.Count; i++)
        {
            args[1 + i] = moved[i];
        }

        return args;
    }

    private async ValueTask<int> AcceptAsync(List<Delivery> into, RespValue reply)
    {
        List<Delivery>? exhausted = null;
        for (var i = 0; i + 3 < reply.Count; i += 4)
        {
            var raw = reply[i].Bytes;
            var field = reply[i + 3].AsString();
            var item = new ListItem(raw, (int)reply[i + 1].AsInt64(), string.IsNullOrEmpty(field) ? null : field);
            _held.Add(raw);
            var envelope = EnvelopeFormat.FromFramed(raw, _newId, _time.GetUtcNow());
            var delivery = new Delivery(_destination, envelope, envelope.Id, 1 + (int)reply[i + 2].AsInt64(), item);
            if (delivery.DeliveryCount > _options.MaxDeliveries)
            {
                (exhausted ??= []).Add(delivery);
            }
            else
            {
                into.Add(delivery);
            }
        }

        if (exhausted is not null)
        {
            await DeadLetterExhaustedAsync(exhausted).ConfigureAwait(false);
        }

        return reply.Count / 4;
    }

    // It keeps killing its consumers: no handler gets to fail it, so it is dead-lettered here. A failure
    // must not lose the others of the take; the item stays in the processing list and comes round again.
    private async ValueTask DeadLetterExhaustedAsync(List<Delivery> exhausted)
    {
        foreach (var delivery in exhausted)
        {
            try
            {
                await DeadLetterAsync(delivery, new DeadLetterInfo(DeadLetterReason.HandlerFailed, null,
                    $"Delivered {delivery.DeliveryCount} times without being finished: its consumers crashed or stalled.", null, delivery.DeliveryCount),
                    CancellationToken.None).ConfigureAwait(false);
                HeraldDiagnostics.CountDeadLettered(_destination, _group, delivery.Envelope.Type, DeadLetterReason.HandlerFailed);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                ListLog.DeadLetterFailed(_logger, _destination, delivery.Envelope.Id, exception);
            }
        }
    }

    // Items in the processing list that no receiver holds: a take whose reply was lost, or an outcome that
    // may not have been recorded. They are delivered again (at least once), as taken from level 0.
    private async ValueTask RecoverOrphansAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        _held.ClearSuspicion();
        var orphans = _held.Orphans(await _redis.ListRangeBytesAsync(_processing, cancellationToken: cancellationToken).ConfigureAwait(false));
        if (orphans.Count == 0)
        {
            return;
        }

        if (orphans.Count > max)
        {
            orphans.RemoveRange(max, orphans.Count - max);
            _held.SuspectOrphans();
        }

        await TakeAsync(into, 0, orphans, cancellationToken).ConfigureAwait(false);
        ListLog.OrphansRecovered(_logger, _destination, _consumer, orphans.Count);
    }
}
