using Herald.Keys;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Scripting;
using Herald.Scripts;
using Microsoft.Extensions.Logging;

namespace Herald.Transports.Lists;

/// <summary>
/// Reliable queues on lists: producers <c>LPUSH</c> framed envelopes (or <c>ZADD</c> them to the delayed
/// set), each consumer moves items into its own processing list and removes them when finished, and
/// the work of consumers whose heartbeat stopped is returned to the queue. Each message goes to one
/// consumer, at least once, whatever consumer group the consumers name.
/// </summary>
internal sealed class ListTransport(RedisClient redis, KeySchema keys, Func<string, QueueOptions> optionsFor, TimeProvider time, ILogger logger)
    : RedisTransport<QueueOptions>(redis, keys, optionsFor, time, logger), ITransport
{
    private readonly Dictionary<string, HeldItems> _held = new(StringComparer.Ordinal);
    private readonly Lock _heldLock = new();

    public IReadOnlyCollection<DestinationKind> Kinds { get; } = [DestinationKind.Queue];

    public async ValueTask<IReadOnlyList<PublishResult>> PublishAsync(Destination destination, IReadOnlyList<OutgoingEnvelope> envelopes, CancellationToken cancellationToken)
    {
        var options = OptionsFor(destination.Name);
        var (commands, unique) = PublishCommands(destination.Name, options, envelopes);
        await Registry.RegisterAsync(destination, options.Priorities, cancellationToken).ConfigureAwait(false);
        var results = new PublishResult[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++)
        {
            results[i] = new PublishResult(envelopes[i].Envelope.Id, null, null);
        }

        if (unique.Count == 0)
        {
            if (commands.Count > 0)
            {
                await Redis.ExecuteAllAsync(commands, RespParsers.Ignore, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        // Unique envelopes go through the script, in the same round trip as the plain pushes.
        var plain = commands.Count;
        foreach (var (_, keys, arguments) in unique)
        {
            commands.Add(RedisScriptingExtensions.EvaluateShaCommand(ScriptCatalog.QueuePublishUnique, keys, arguments));
        }

        var outcomes = await Redis.ExecuteEachAsync(commands, RespParsers.Int64, cancellationToken).ConfigureAwait(false);
        Exception? failure = null;
        for (var i = 0; i < outcomes.Length; i++)
        {
            var (reply, error) = outcomes[i];
            if (i >= plain)
            {
                var (index, keys, arguments) = unique[i - plain];
                if (error is RedisServerException { Kind: RedisErrorKind.NoScript })
                {
                    // A restarted or flushed server lost the script: this call loads it and runs it.
                    (reply, error) = (await Redis.EvaluateAsync(ScriptCatalog.QueuePublishUnique, keys, arguments, RespParsers.Int64, cancellationToken).ConfigureAwait(false), null);
                }

                results[index] = results[index] with { Duplicate = error is null && reply == 0 };
            }

            failure ??= error;
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return results;
    }

    public async ValueTask<ITransportReceiver> CreateReceiverAsync(Destination destination, string group, string consumer, ReceiverOptions options, CancellationToken cancellationToken)
    {
        var queueOptions = OptionsFor(destination.Name);
        await Registry.RegisterAsync(destination, queueOptions.Priorities, cancellationToken).ConfigureAwait(false);
        var held = Attach(Keys.Processing(destination.Name, consumer), out var first);
        var receiver = new ListReceiver(Redis, Keys, destination, queueOptions, group, consumer, options, held, Detach, Time, Logger);
        try
        {
            await receiver.InitializeAsync(recoverOwnWork: first, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return receiver;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // Immediate messages: one LPUSH per level, in publishing order (the first published ends up nearest
    // the consumers' end). Delayed ones: one ZADD per level, scored by due time. Unique ones: one script
    // call each (keys and arguments of QueuePublishUnique), with the index of their result.
    private (List<RedisCommand> Commands, List<(int Index, RedisArg[] Keys, RedisArg[] Arguments)> Unique) PublishCommands(string name, QueueOptions options, IReadOnlyList<OutgoingEnvelope> envelopes)
    {
        var byKey = new Dictionary<string, (string Command, List<RedisArg> Args)>(StringComparer.Ordinal);
        var unique = new List<(int, RedisArg[], RedisArg[])>();
        var now = Time.GetUtcNow();
        for (var i = 0; i < envelopes.Count; i++)
        {
            var outgoing = envelopes[i];
            if (outgoing.Priority < 0 || outgoing.Priority >= options.Priorities)
            {
                throw new ArgumentOutOfRangeException(nameof(envelopes), outgoing.Priority,
                    $"Priority {outgoing.Priority} is not a level of queue '{name}': it has {options.Priorities} (0 to {options.Priorities - 1}; set QueueOptions.Priorities for more).");
            }

            var framed = EnvelopeFormat.ToFramed(outgoing.Envelope);
            long? due = outgoing.Delay is { } delay && delay > TimeSpan.Zero ? now.Add(delay).ToUnixTimeMilliseconds() : null;
            var target = due is null ? Keys.Queue(name, outgoing.Priority) : Keys.Delayed(name, outgoing.Priority);
            if (outgoing.UniqueFor is { } window)
            {
                unique.Add((i, [Keys.Unique(name, outgoing.Envelope.Id), target],
                    [(long)Math.Ceiling(window.TotalMilliseconds), framed, due is { } at ? (RedisArg)at : string.Empty]));
            }
            else if (due is { } score)
            {
                ArgsOf("ZADD", target).AddRange([score, framed]);
            }
            else
            {
                ArgsOf("LPUSH", target).Add(framed);
            }
        }

        return ([.. byKey.Values.Select(static c => new RedisCommand(c.Command, [.. c.Args]).WithKey())], unique);

        List<RedisArg> ArgsOf(string command, string key)
        {
            if (!byKey.TryGetValue(key, out var entry))
            {
                byKey[key] = entry = (command, [key]);
            }

            return entry.Args;
        }
    }

    private HeldItems Attach(string processing, out bool first)
    {
        lock (_heldLock)
        {
            if (!_held.TryGetValue(processing, out var held))
            {
                _held[processing] = held = new HeldItems();
            }

            first = held.Receivers == 0;
            held.Receivers++;
            return held;
        }
    }

    // True when the last receiver of the processing list left: it is time to hand back what it holds.
    private bool Detach(string processing)
    {
        lock (_heldLock)
        {
            if (!_held.TryGetValue(processing, out var held))
            {
                return false;
            }

            held.Receivers--;
            if (held.Receivers > 0)
            {
                return false;
            }

            _held.Remove(processing);
            return true;
        }
    }
}
