using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Transports.Streams;

/// <summary>Streams with consumer groups: persistent, acknowledged, at least once, replayable.</summary>
internal sealed class StreamTransport(RedisClient redis, KeySchema keys, Func<string, StreamOptions> optionsFor, TimeProvider time, ILogger logger)
    : RedisTransport<StreamOptions>(redis, keys, optionsFor, time, logger), ITransport
{
    private int _roundRobin;

    public IReadOnlyCollection<DestinationKind> Kinds { get; } = [DestinationKind.Stream];

    public async ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var options = OptionsFor(destination.Name);
        await Registry.RegisterAsync(destination, options.Partitions, cancellationToken).ConfigureAwait(false);
        var commands = new RedisCommand[envelopes.Count];
        for (var i = 0; i < commands.Length; i++)
        {
            commands[i] = AddCommand(destination, options, envelopes[i].Envelope);
        }

        var ids = await Redis.ExecuteAllAsync(commands, RespParsers.String, cancellationToken).ConfigureAwait(false);
        var results = new PublishResult[envelopes.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new PublishResult(envelopes[i].Envelope.Id, ids[i], null);
        }

        return results;
    }

    public async ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken)
    {
        var streamOptions = OptionsFor(destination.Name);
        await Registry.RegisterAsync(destination, streamOptions.Partitions, cancellationToken).ConfigureAwait(false);
        var receiver = new StreamReceiver(Redis, Keys, destination, streamOptions, group, consumer, options, Time, Logger);
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
        var key = Keys.Stream(destination.Name, options.Partitions == 1 ? null : partition);
        var head = options.HardCap is not null ? 5 : 2;
        var args = EnvelopeFormat.ToStreamArguments(envelope, head);
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

        return new RedisCommand("XADD", args).WithKey();
    }
}
