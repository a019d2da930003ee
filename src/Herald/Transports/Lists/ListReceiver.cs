using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Protocol;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Microsoft.Extensions.Logging;

namespace Herald.Transports.Lists;

/// <summary>
/// One consumer of a queue. It moves items into its own processing list (a script over every priority
/// level, then, when all are empty, a bounded <c>BLMOVE</c> on level 0 into its landing list on a leased
/// connection, with the same script sent right behind it) and removes each item from that list when the
/// message is finished. Its heartbeat tells the other consumers it
/// is alive; when it stops, what it still holds goes back to the queue.
/// </summary>
internal sealed partial class ListReceiver : ITransportReceiver
{
    // A cut-off later than any heartbeat: reap regardless of the heartbeat.
    private const long Always = long.MaxValue / 2;

    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly Destination _destination;
    private readonly QueueOptions _queueOptions;
    private readonly string _group;
    private readonly string _consumer;
    private readonly ReceiverOptions _options;
    private readonly HeldItems _held;
    private readonly Func<string, bool> _detach;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _processing;
    private readonly string _landing;
    private readonly string _consumers;
    private readonly string _deliveries;
    private readonly string _deadLetters;
    private readonly string[] _queues;
    private readonly string[] _delayed;
    private readonly RedisArg[] _takeKeys;
    private readonly RedisArg[] _acknowledgeKeys;
    private readonly Func<string> _newId;
    private RedisLease? _lease;
    private int _disposed;

    public ListReceiver(RedisClient redis, KeySchema keys, Destination destination, QueueOptions queueOptions, string group, string consumer,
        ReceiverOptions options, HeldItems held, Func<string, bool> detach, TimeProvider time, ILogger logger)
    {
        _redis = redis;
        _destination = destination;
        _queueOptions = queueOptions;
        _group = group;
        _consumer = consumer;
        _options = options;
        _held = held;
        _detach = detach;
        _time = time;
        _logger = logger;
        var name = destination.Name;
        _keys = keys;
        _processing = keys.Processing(name, consumer);
        _landing = keys.Landing(name, consumer);
        _consumers = keys.QueueConsumers(name);
        _deliveries = keys.Deliveries(name);
        _deadLetters = keys.DeadLetters(name);
        _queues = new string[queueOptions.Priorities];
        _delayed = new string[queueOptions.Priorities];
        for (var level = 0; level < _queues.Length; level++)
        {
            _queues[level] = keys.Queue(name, level);
            _delayed[level] = keys.Delayed(name, level);
        }

        _takeKeys = [_processing, _deliveries, _landing, .. _queues.Select(static q => (RedisArg)q)];
        _acknowledgeKeys = [_processing, _deliveries];
        _newId = () => MessageId.New(_time);
        _lastHeartbeat = time.GetTimestamp();
        _lastReap = _lastHeartbeat;
    }

    public bool IsReliable => true;

    /// <summary>
    /// Registers the heartbeat. With <paramref name="recoverOwnWork"/> (no other receiver of this
    /// processing list runs here), items a previous run under the same consumer name left behind go
    /// back to the queue first, counted as unfinished deliveries.
    /// </summary>
    public async Task InitializeAsync(bool recoverOwnWork, CancellationToken cancellationToken)
    {
        if (recoverOwnWork)
        {
            var returned = await ReapAsync(_consumer, Always, countAsDelivery: true, cancellationToken).ConfigureAwait(false);
            if (returned > 0)
            {
                ListLog.OwnWorkReturned(_logger, _destination, _consumer, returned);
            }
        }

        await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> ReceiveAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        var before = into.Count;
        if (max <= 0)
        {
            return 0;
        }

        try
        {
            if (_held.MayHaveOrphans)
            {
                await RecoverOrphansAsync(into, max, cancellationToken).ConfigureAwait(false);
                if (into.Count > before)
                {
                    return into.Count - before;
                }
            }

            if (await TakeAsync(into, max, [], cancellationToken).ConfigureAwait(false) == 0)
            {
                // Nothing anywhere: wait on level 0. A message arriving on a lower level meanwhile is taken
                // by the take that follows the wait, at most one block time later.
                await WaitAndTakeAsync(into, max, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Redis may have moved items whose reply never came: they sit in the processing list unknown.
            _held.SuspectOrphans();
            throw;
        }

        return into.Count - before;
    }

    public async ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        // One script call for the batch rather than an LREM command per item: the client's cost per command
        // (queueing, its reply, its completion) was most of an acknowledgement's.
        var counters = 0;
        foreach (var delivery in deliveries)
        {
            counters += ItemOf(delivery).CounterField is null ? 0 : 1;
        }

        var args = new RedisArg[1 + deliveries.Count + counters];
        args[0] = deliveries.Count;
        var counter = 1 + deliveries.Count;
        for (var i = 0; i < deliveries.Count; i++)
        {
            var item = ItemOf(deliveries[i]);
            args[1 + i] = item.Raw;
            if (item.CounterField is { } field)
            {
                args[counter++] = field;
            }
        }

        await FinishAsync(deliveries, _redis.EvaluateAsync(ScriptCatalog.QueueAcknowledge, _acknowledgeKeys, args, RespParsers.Ignore, cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken)
    {
        var item = ItemOf(delivery);
        var retry = EnvelopeFormat.ToFramed(delivery.Envelope with { Attempt = delivery.Attempt + (countsAsAttempt ? 1 : 0) });
        var due = _time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds();
        await FinishAsync([delivery], _redis.EvaluateAsync(ScriptCatalog.QueueRetryLater, [_processing, _delayed[item.Level], _deliveries],
            [item.Raw, due, retry, item.CounterField ?? string.Empty], RespParsers.Ignore, cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken)
    {
        var item = ItemOf(delivery);
        var args = new List<RedisArg> { item.Raw, item.CounterField ?? string.Empty };
        args.AddRange(EnvelopeFormat.ToStreamFields(delivery.Envelope));
        args.AddRange(DeadLetterFields.For(info, _destination, delivery.TransportId, _group, _time.GetUtcNow()));
        await FinishAsync([delivery], _redis.EvaluateAsync(ScriptCatalog.QueueDeadLetter, [_processing, _deadLetters, _deliveries], args,
            RespParsers.Ignore, cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        var args = new RedisArg[deliveries.Count * 2];
        for (var i = 0; i < deliveries.Count; i++)
        {
            var item = ItemOf(deliveries[i]);
            args[2 * i] = item.Level;
            args[(2 * i) + 1] = item.Raw;
        }

        await FinishAsync(deliveries, _redis.EvaluateAsync(ScriptCatalog.QueueRelease, [_processing, .. _queues.Select(static q => (RedisArg)q)], args,
            RespParsers.Ignore, cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_lease is not null)
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
        }

        // A replacement receiver (the watchdog's) may still use the processing list; the last one hands it back.
        if (!_detach(_processing))
        {
            return;
        }

        try
        {
            var returned = await ReapAsync(_consumer, Always, countAsDelivery: false, CancellationToken.None).ConfigureAwait(false);
            if (returned > 0)
            {
                ListLog.HandedBack(_logger, _destination, _consumer, returned);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The heartbeat stops now, so the reaper of another consumer returns the work later.
            ListLog.HandBackFailed(_logger, _destination, _consumer, exception);
        }
    }

    private static ListItem ItemOf(Delivery delivery) => (ListItem)delivery.TransportState!;

    // The items stop being held once Redis has recorded their fate. When that is unknown (the call failed),
    // whatever is still in the processing list is delivered again rather than held by nobody: forget them
    // first, then raise the suspicion, so the next orphan check cannot run in between and miss them.
    private async ValueTask FinishAsync<T>(IReadOnlyList<Delivery> deliveries, ValueTask<T> outcome)
    {
        try
        {
            await outcome.ConfigureAwait(false);
        }
        catch
        {
            Forget(deliveries);
            _held.SuspectOrphans();
            throw;
        }

        Forget(deliveries);
    }

    private void Forget(IReadOnlyList<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            _held.Remove(ItemOf(delivery).Raw);
        }
    }
}
