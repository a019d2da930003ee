using Herald.Diagnostics;
using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Redis.Protocol;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Microsoft.Extensions.Logging;

namespace Herald.Transports.Streams;

/// <summary>
/// One consumer of a consumer group over every partition of a stream. Reads block on a leased
/// connection; a group Redis lost (restart without persistence, <c>FLUSHALL</c>) is re-created from the
/// beginning, so nothing unacknowledged is skipped.
/// </summary>
internal sealed class StreamReceiver : ITransportReceiver
{

    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly Destination _destination;
    private readonly StreamOptions _streamOptions;
    private readonly string _group;
    private readonly string _consumer;
    private readonly ReceiverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Sources are what this consumer reads: the partitions of the stream (0…n-1), then the group's own
    // retried stream of each partition (n…2n-1). A delivery's transport state is its source index.
    private readonly string[] _sources;
    private readonly string[] _streams;
    private readonly string[] _retryStreams;
    private readonly string[] _retries;
    private readonly string[] _deadLetters;
    private readonly string[] _claimCursors;
    private readonly StreamPosition[] _newPositions;
    private readonly Queue<Delivery> _surplus = new();
    private RedisLease? _lease;
    private bool _ownPendingRead;
    private long _lastTrim;
    private long _lastRetryTrim;

    public StreamReceiver(RedisClient redis, KeySchema keys, Destination destination, StreamOptions streamOptions, string group, string consumer, ReceiverOptions options, TimeProvider time, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _destination = destination;
        _streamOptions = streamOptions;
        _group = group;
        _consumer = consumer;
        _options = options;
        _time = time;
        _logger = logger;
        var partitions = streamOptions.Partitions;
        _streams = new string[partitions];
        _retryStreams = new string[partitions];
        _retries = new string[partitions];
        _deadLetters = new string[partitions];
        _sources = new string[partitions * 2];
        _claimCursors = new string[partitions * 2];
        _newPositions = new StreamPosition[partitions * 2];
        for (var p = 0; p < partitions; p++)
        {
            int? partition = partitions == 1 ? null : p;
            _streams[p] = keys.Stream(destination.Name, partition);
            _retryStreams[p] = keys.RetriedStream(destination.Name, group, partition);
            _retries[p] = keys.Retries(destination.Name, group, partition);
            _deadLetters[p] = keys.DeadLetters(destination.Name, partition);
            _sources[p] = _streams[p];
            _sources[partitions + p] = _retryStreams[p];
        }

        for (var i = 0; i < _sources.Length; i++)
        {
            _claimCursors[i] = "0-0";
            _newPositions[i] = new StreamPosition(_sources[i], StreamId.Undelivered);
        }

        _lastTrim = time.GetTimestamp();
    }

    public bool IsReliable => true;

    public async Task InitializeAsync(CancellationToken cancellationToken) => await CreateGroupsAsync(_options.StartFrom, cancellationToken).ConfigureAwait(false);

    public async ValueTask<int> ReceiveAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        var before = into.Count;
        if (TakeSurplus(into, max))
        {
            return into.Count - before;
        }

        try
        {
            if (!_ownPendingRead)
            {
                // After a restart with a stable consumer name, this consumer's own unacknowledged entries come first.
                await ReadOwnPendingAsync(into, max, cancellationToken).ConfigureAwait(false);
                if (into.Count > before)
                {
                    return into.Count - before;
                }

                _ownPendingRead = true;
            }

            _lease ??= await _redis.LeaseAsync(cancellationToken).ConfigureAwait(false);
            var results = await _lease.StreamReadGroupAsync(_group, _consumer, _newPositions, max, _options.BlockTime, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var result in results)
            {
                var source = Array.IndexOf(_sources, result.Key);
                foreach (var entry in result.Entries)
                {
                    // COUNT bounds each stream, not the read: what exceeds the caller's room waits here
                    // (it is already pending for this consumer) and goes out first next time.
                    var delivery = ToDelivery(entry, source, deliveryCount: 1);
                    if (into.Count - before < max)
                    {
                        into.Add(delivery);
                    }
                    else
                    {
                        _surplus.Enqueue(delivery);
                    }
                }
            }
        }
        catch (RedisServerException error) when (error.Kind == RedisErrorKind.NoGroup)
        {
            // Redis lost the group: start it again from the beginning. Redelivering acknowledged entries
            // is a duplicate (at least once); skipping unacknowledged ones would be a loss.
            ReceiverLog.GroupRecreated(_logger, _destination, _group);
            await CreateGroupsAsync("0", cancellationToken).ConfigureAwait(false);
            _ownPendingRead = false;
        }

        return into.Count - before;
    }

    public async ValueTask AcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        var first = (int)deliveries[0].TransportState!;
        if (deliveries.All(d => (int)d.TransportState! == first))
        {
            await _redis.StreamAcknowledgeAsync(_sources[first], _group, [.. deliveries.Select(static d => d.TransportId)], cancellationToken).ConfigureAwait(false);
            return;
        }

        var batch = _redis.CreateBatch();
        var acks = new List<ValueTask<long>>();
        foreach (var byPartition in deliveries.GroupBy(static d => (int)d.TransportState!))
        {
#pragma warning disable CA2012 // A batch reply is stored, then awaited exactly once after Send().
            acks.Add(batch.StreamAcknowledgeAsync(_sources[byPartition.Key], _group, [.. byPartition.Select(static d => d.TransportId)], cancellationToken));
#pragma warning restore CA2012
        }

        batch.Send();
        foreach (var ack in acks)
        {
            await ack.ConfigureAwait(false);
        }
    }

    public async ValueTask RetryLaterAsync(Delivery delivery, TimeSpan delay, bool countsAsAttempt, CancellationToken cancellationToken)
    {
        var source = (int)delivery.TransportState!;
        var retry = delivery.Envelope with { Attempt = delivery.Attempt + (countsAsAttempt ? 1 : 0) };
        var member = MessagePackFields.Pack(EnvelopeFormat.ToStreamFields(retry));
        var due = _time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds();
        await _redis.EvaluateAsync(ScriptCatalog.StreamRetryLater, [_sources[source], _retries[PartitionOf(source)]],
            [_group, delivery.TransportId, due, member], RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeadLetterAsync(Delivery delivery, DeadLetterInfo info, CancellationToken cancellationToken)
    {
        var source = (int)delivery.TransportState!;
        var args = new List<RedisArg> { _group, delivery.TransportId };
        args.AddRange(EnvelopeFormat.ToStreamFields(delivery.Envelope));
        args.AddRange(DeadLetterFields.For(info, _destination, delivery.TransportId, _group, _time.GetUtcNow()));
        await _redis.EvaluateAsync(ScriptCatalog.StreamDeadLetter, [_sources[source], _deadLetters[PartitionOf(source)]], args,
            RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        if (_surplus.Count > 0)
        {
            deliveries = [.. deliveries, .. _surplus];
            _surplus.Clear();
        }

        // A stream cannot un-deliver; marking the entries idle for the whole visibility timeout lets the next
        // reclaim by any consumer take them at once instead of waiting for the timeout.
        foreach (var byPartition in deliveries.GroupBy(static d => (int)d.TransportState!))
        {
            await _redis.StreamClaimIdsAsync(_sources[byPartition.Key], _group, _consumer, TimeSpan.Zero,
                [.. byPartition.Select(static d => d.TransportId)], new StreamClaimOptions { Idle = _options.VisibilityTimeout },
                cancellationToken).ConfigureAwait(false);
        }
    }

    // Re-claiming for ourselves resets the idle time without counting a delivery. Only entries idle for a
    // quarter of the visibility timeout are touched, so one that another consumer reclaimed just now is left
    // to it; the runtime asks at half, so its own clock running a little ahead never skips a renewal.
    public async ValueTask ExtendAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        foreach (var byPartition in deliveries.GroupBy(static d => (int)d.TransportState!))
        {
            await _redis.StreamClaimIdsAsync(_sources[byPartition.Key], _group, _consumer, _options.VisibilityTimeout / 4,
                [.. byPartition.Select(static d => d.TransportId)], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<int> MaintainAsync(List<Delivery> reclaimed, int max, CancellationToken cancellationToken)
    {
        var before = reclaimed.Count;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var p = 0; p < _streams.Length; p++)
        {
            await _redis.EvaluateAsync(ScriptCatalog.StreamPromoteRetries, [_retryStreams[p], _retries[p]], [now, 100], RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        }

        for (var source = 0; source < _sources.Length; source++)
        {
            var room = max - (reclaimed.Count - before);
            if (room > 0)
            {
                await ReclaimAsync(source, reclaimed, room, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_time.GetElapsedTime(_lastTrim) >= _streamOptions.TrimInterval && (_streamOptions.MaxLength is not null || _streamOptions.MaxAge is not null))
        {
            _lastTrim = _time.GetTimestamp();
            var minTime = _streamOptions.MaxAge is { } age ? _time.GetUtcNow().Subtract(age).ToUnixTimeMilliseconds() : 0;
            foreach (var stream in _streams)
            {
                await _redis.EvaluateAsync(ScriptCatalog.StreamTrimSafely, [stream], [_streamOptions.MaxLength ?? 0, minTime], RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_time.GetElapsedTime(_lastRetryTrim) >= _streamOptions.TrimInterval)
        {
            // A retried stream belongs to one group: whatever it acknowledged is done with.
            _lastRetryTrim = _time.GetTimestamp();
            foreach (var stream in _retryStreams)
            {
                await _redis.EvaluateAsync(ScriptCatalog.StreamTrimSafely, [stream], [1, 0], RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
            }
        }

        return reclaimed.Count - before;
    }

    public async ValueTask DisposeAsync()
    {
        if (_lease is not null)
        {
            await _lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool TakeSurplus(List<Delivery> into, int max)
    {
        var taken = 0;
        while (taken < max && _surplus.TryDequeue(out var delivery))
        {
            into.Add(delivery);
            taken++;
        }

        return taken > 0;
    }

    // Entries idle longer than the visibility timeout belong to consumers that crashed or hung.
    private async Task ReclaimAsync(int source, List<Delivery> reclaimed, int max, CancellationToken cancellationToken)
    {
        AutoClaimResult claim;
        try
        {
            claim = await _redis.StreamAutoClaimAsync(_sources[source], _group, _consumer, _options.VisibilityTimeout, _claimCursors[source], max, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException error) when (error.Kind == RedisErrorKind.NoGroup)
        {
            return;
        }

        _claimCursors[source] = claim.NextStartId;
        var live = claim.Entries.Where(static e => !e.IsDeleted).ToList();
        if (live.Count == 0)
        {
            return;
        }

        // XAUTOCLAIM does not report delivery counts; the pending list does.
        var pending = await _redis.StreamPendingEntriesAsync(_sources[source], _group, live.Count * 2, live[0].Id, live[^1].Id, _consumer, cancellationToken: cancellationToken).ConfigureAwait(false);
        var counts = pending.ToDictionary(static p => p.Id, static p => (int)p.DeliveryCount, StringComparer.Ordinal);
        foreach (var entry in live)
        {
            var delivery = ToDelivery(entry, source, counts.GetValueOrDefault(entry.Id, 2));
            if (delivery.DeliveryCount > _options.MaxDeliveries)
            {
                // It keeps killing or stalling its consumers: no handler gets to fail it, so dead-letter it here.
                await DeadLetterAsync(delivery, new DeadLetterInfo(DeadLetterReason.HandlerFailed, null,
                    $"Delivered {delivery.DeliveryCount} times without being finished: its consumers crashed or stalled.", null, delivery.DeliveryCount), cancellationToken).ConfigureAwait(false);
                HeraldDiagnostics.CountDeadLettered(_destination, _group, delivery.Envelope.Type, DeadLetterReason.HandlerFailed);
                continue;
            }

            reclaimed.Add(delivery);
        }

        ReceiverLog.Reclaimed(_logger, _destination, _group, live.Count);
    }

    private async Task ReadOwnPendingAsync(List<Delivery> into, int max, CancellationToken cancellationToken)
    {
        for (var p = 0; p < _sources.Length && into.Count < max; p++)
        {
            IReadOnlyList<StreamEntry> entries;
            try
            {
                entries = await _redis.StreamReadGroupAsync(_sources[p], _group, _consumer, "0", max - into.Count, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException error) when (error.Kind == RedisErrorKind.NoGroup)
            {
                await CreateGroupsAsync("0", cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.IsDeleted)
                {
                    // Trimmed or deleted while pending: nothing to handle, only the pending record to clear.
                    await _redis.StreamAcknowledgeAsync(_sources[p], _group, entry.Id, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                into.Add(ToDelivery(entry, p, deliveryCount: 2));
            }
        }
    }

    private async Task CreateGroupsAsync(string startFrom, CancellationToken cancellationToken)
    {
        for (var source = 0; source < _sources.Length; source++)
        {
            try
            {
                // A group's retried streams start at the beginning: everything in them is its own.
                var from = source < _streams.Length ? startFrom : "0";
                await _redis.StreamCreateGroupAsync(_sources[source], _group, from, makeStream: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException error) when (error.Kind == RedisErrorKind.BusyGroup)
            {
                // It exists: creating groups is idempotent.
            }
        }
    }

    private Delivery ToDelivery(StreamEntry entry, int source, int deliveryCount) =>
        new(_destination, EnvelopeFormat.FromStreamFields(entry.Id, entry.Fields), entry.Id, deliveryCount, source);

    private int PartitionOf(int source) => source % _streams.Length;

}
