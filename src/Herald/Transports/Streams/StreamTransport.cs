using System.Collections.Concurrent;
using System.Globalization;
using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Transports.Streams;

/// <summary>Streams with consumer groups: persistent, acknowledged, at least once, replayable.</summary>
internal sealed class StreamTransport : ITransport
{
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly Func<string, StreamOptions> _optionsFor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _registered = new(StringComparer.Ordinal);
    private int _roundRobin;

    public StreamTransport(RedisClient redis, KeySchema keys, Func<string, StreamOptions> optionsFor, TimeProvider time, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _optionsFor = optionsFor;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyCollection<DestinationKind> Kinds { get; } = [DestinationKind.Stream];

    public async ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var options = _optionsFor(destination.Name);
        await RegisterAsync(destination, options, cancellationToken).ConfigureAwait(false);
        if (envelopes.Count == 1)
        {
            var envelope = envelopes[0].Envelope;
            var id = await _redis.ExecuteAsync(AddCommand(destination, options, envelope), RespParsers.String, cancellationToken).ConfigureAwait(false);
            return [new PublishResult(envelope.Id, id, null)];
        }

        // One round trip for the whole batch.
        var batch = _redis.CreateBatch();
        var pending = new ValueTask<string?>[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++)
        {
#pragma warning disable CA2012 // A batch reply is stored, then awaited exactly once after Send().
            pending[i] = batch.ExecuteAsync(AddCommand(destination, options, envelopes[i].Envelope), RespParsers.String, cancellationToken);
#pragma warning restore CA2012
        }

        batch.Send();
        var results = new PublishResult[envelopes.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            results[i] = new PublishResult(envelopes[i].Envelope.Id, await pending[i].ConfigureAwait(false), null);
        }

        return results;
    }

    public async ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken)
    {
        var streamOptions = _optionsFor(destination.Name);
        await RegisterAsync(destination, streamOptions, cancellationToken).ConfigureAwait(false);
        var receiver = new StreamReceiver(_redis, _keys, destination, streamOptions, group, consumer, options, _time, _logger);
        try
        {
            await receiver.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return receiver;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private RedisCommand AddCommand(Destination destination, StreamOptions options, MessageEnvelope envelope)
    {
        var partition = options.PartitionOf(envelope.PartitionKey, ref _roundRobin);
        var key = _keys.Stream(destination.Name, options.Partitions == 1 ? null : partition);
        var fields = EnvelopeFormat.ToStreamFields(envelope);
        var head = options.HardCap is { } cap ? 5 : 2;
        var args = new RedisArg[head + fields.Count];
        args[0] = key;
        if (options.HardCap is { } hardCap)
        {
            args[1] = "MAXLEN";
            args[2] = "~";
            args[3] = hardCap;
            args[4] = "*";
        }
        else
        {
            args[1] = "*";
        }

        fields.CopyTo(args, head);
        return new RedisCommand("XADD", args).WithKey();
    }

    private async ValueTask RegisterAsync(Destination destination, StreamOptions options, CancellationToken cancellationToken)
    {
        var name = destination.ToString();
        if (_registered.ContainsKey(name))
        {
            return;
        }

        await _redis.ExecuteAsync(
            new RedisCommand("HSET", _keys.Destinations(), name, options.Partitions.ToString(CultureInfo.InvariantCulture)).WithKey(),
            RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
        _registered[name] = true;
    }
}
