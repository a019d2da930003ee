using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using Herald.Cli.Messaging;
using Herald.Cli.Output;
using Herald.Codecs;
using Herald.Messages;
using Herald.Redis.PubSub;
using Spectre.Console;

namespace Herald.Cli.Commands.Listen;

/// <summary><c>herald listen</c>: subscribes to channels and patterns and prints each message as it arrives.</summary>
/// <remarks>
/// It listens through the client's subscriber rather than a bus consumer: a consumer dead-letters what it cannot
/// decode (an encrypted body, say), and a tool that only watches must not write anything.
/// </remarks>
internal static class ListenCommand
{
    public static Command Create()
    {
        var targets = new Argument<string[]>("channel")
        {
            Description = "Channels or patterns: channel:<name>, pattern:<glob>, or a bare name (a pattern when it holds * ? or [).",
            Arity = ArgumentArity.OneOrMore,
        };
        var count = new Option<long>("--count", "-n") { Description = "Stop after this many messages; 0 (default) listens until stopped." }.InRange(0, long.MaxValue);
        var duration = CliArguments.Duration("--duration", "Stop after this long (10s, 5m …).");

        return new Command("listen", "Print messages published on channels or patterns as they arrive (Ctrl+C to stop).") { targets, count, duration }
            .WithHandler((context, parseResult, cancellationToken) => RunAsync(
                context,
                [.. parseResult.GetValue(targets)!.Select(Parse)],
                parseResult.GetValue(count) is > 0 and var limit ? limit : null,
                parseResult.GetValue(duration),
                cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, IReadOnlyList<Destination> destinations, long? count, TimeSpan? duration, CancellationToken cancellationToken)
    {
        await using var redis = await context.ConnectAsync(cancellationToken);
        var merged = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(1024) { SingleReader = true });
        var subscriptions = new List<Subscription>();
        try
        {
            foreach (var destination in destinations)
            {
                subscriptions.Add(destination.Kind == DestinationKind.Pattern
                    ? await redis.Subscriber.PatternSubscribeAsync(destination.Name, cancellationToken)
                    : await redis.Subscriber.SubscribeAsync(destination.Name, cancellationToken));
            }

            if (!context.Json)
            {
                context.Console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]listening on {string.Join(", ", destinations)} (Ctrl+C to stop)[/]");
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (duration is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var pumps = subscriptions.Select(s => PumpAsync(s, merged.Writer, stop.Token)).ToList();
            var received = await PrintAsync(context, merged.Reader, count, stop.Token);
            await stop.CancelAsync();
            await Task.WhenAll(pumps);
            if (!context.Json)
            {
                context.Console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]received {received} message{(received == 1 ? string.Empty : "s")}[/]");
            }

            // Stopping with Ctrl+C is how a listener ends: not a failure.
            return ExitCodes.Success;
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                await subscription.DisposeAsync();
            }
        }
    }

    private static async Task<long> PrintAsync(CliContext context, ChannelReader<PubSubMessage> reader, long? count, CancellationToken cancellationToken)
    {
        var codec = new MessageCodec(new CodecOptions());
        long received = 0;
        try
        {
            while (count is null || received < count)
            {
                var message = await reader.ReadAsync(cancellationToken);
                var now = TimeProvider.System.GetUtcNow();
                var envelope = EnvelopeFormat.FromFramed(message.Payload, () => MessageId.New(TimeProvider.System), now);
                var view = MessageView.From("channel:" + message.Channel, entryId: null, partition: null, envelope, codec);
                if (context.Json)
                {
                    context.WriteJson(view, CliJsonContext.Lines.MessageView);
                }
                else
                {
                    view.Render(context.Console);
                }

                received++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // --duration ran out or Ctrl+C: the count so far is the result.
        }

        return received;
    }

    private static async Task PumpAsync(Subscription subscription, ChannelWriter<PubSubMessage> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in subscription.ReadAllAsync(cancellationToken))
            {
                await writer.WriteAsync(message, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the listener is done.
        }
    }

    private static Destination Parse(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal) && text.Split(':', 2)[0].ToLowerInvariant() is "channel" or "pattern")
        {
            return CliArguments.Destination(text, DestinationKind.Channel, DestinationKind.Pattern);
        }

        if (text.Split(':', 2)[0].ToLowerInvariant() is "stream" or "queue")
        {
            throw new CliUsageException($"'{text}' is not a channel: listen takes channel:<name> or pattern:<glob>; use 'herald tail' for streams.");
        }

        return text.AsSpan().IndexOfAny("*?[") >= 0 ? Destination.Pattern(text) : Destination.Channel(text);
    }
}
