using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Cli.Messaging;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Publish;

/// <summary><c>herald publish</c>: sends a JSON message to a stream, queue or channel, once or <c>--count</c> times for load.</summary>
internal static class PublishCommand
{
    private static readonly DestinationKind[] s_kinds = [DestinationKind.Stream, DestinationKind.Queue, DestinationKind.Channel];

    public static Command Create()
    {
        var destination = new Argument<string>("destination") { Description = "Where to publish: stream:<name>, queue:<name> or channel:<name>." };
        var body = new Argument<string>("body") { Description = "The JSON body: the text itself, @file to read a file, or - for standard input." };
        var type = new Option<string>("--type", "-t") { Description = "The message type consumers route on (CloudEvents type). Default: none, which a consumer with one handler accepts." };
        var headers = new Option<string[]>("--header", "-H") { Description = "A user header as name=value; repeat for more.", HelpName = "name=value" };
        var key = new Option<string>("--key", "-k") { Description = "The partition key: messages sharing it go to one partition, in order." };
        var id = new Option<string>("--id") { Description = "The message id (default: a new sortable id). Consumers can deduplicate resends by it." };
        var count = new Option<long>("--count", "-n")
        {
            Description = "Publish the message this many times (each with its own id), in batches: a load generator.",
            DefaultValueFactory = _ => 1,
        }.InRange(1, 1_000_000_000);
        var batch = new Option<int>("--batch")
        {
            Description = "Messages per round trip with --count.",
            DefaultValueFactory = _ => 500,
        }.InRange(1, 100_000);
        var delay = CliArguments.Duration("--delay", "Queues: deliver no sooner than this (500ms, 10s, 5m …).");

        return new Command("publish", "Publish a JSON message to a stream, queue or channel.")
            {
                destination, body, type, headers, key, id, count, batch, delay,
            }
            .WithHandler((context, parseResult, cancellationToken) =>
            {
                var request = new PublishRequest(
                    CliArguments.Destination(parseResult.GetValue(destination)!, s_kinds),
                    ReadBody(parseResult.GetValue(body)!),
                    new PublishOptions
                    {
                        Id = parseResult.GetValue(id),
                        Type = parseResult.GetValue(type) ?? string.Empty,
                        Key = parseResult.GetValue(key),
                        Headers = ParseHeaders(parseResult.GetValue(headers) ?? []),
                        Delay = parseResult.GetValue(delay),
                    },
                    parseResult.GetValue(count),
                    parseResult.GetValue(batch));
                Check(request);
                return RunAsync(context, request, CliGlobalOptions.KeySchema(parseResult).Prefix, cancellationToken);
            });
    }

    private static async Task<int> RunAsync(CliContext context, PublishRequest request, string prefix, CancellationToken cancellationToken)
    {
        await using var redis = await context.ConnectAsync(cancellationToken);
        await using var bus = await CliBus.CreateAsync(redis, prefix, cancellationToken);
        var tally = new Tally();
        var stopwatch = Stopwatch.StartNew();
        var interrupted = false;
        try
        {
            if (request.Count > 1 && !context.Json && context.Console.Profile.Capabilities.Interactive)
            {
                await context.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"publishing to {Markup.Escape(request.Destination.ToString())}", maxValue: request.Count);
                        await PublishAllAsync(bus, request, tally, done => task.Value = done, cancellationToken);
                    });
            }
            else
            {
                await PublishAllAsync(bus, request, tally, static _ => { }, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && tally.Published > 0)
        {
            // Ctrl+C during a load run: report what was sent before stopping.
            interrupted = true;
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var result = new PublishSummary(
            request.Destination.ToString(),
            tally.Published,
            tally.First!.Value.MessageId,
            tally.Last!.Value.MessageId,
            tally.First.Value.EntryId,
            tally.Last.Value.EntryId,
            request.Destination.Kind == DestinationKind.Channel ? tally.Receivers : null,
            request.Options.Delay?.TotalMilliseconds,
            Math.Round(seconds, 3),
            Math.Round(tally.Published / Math.Max(seconds, 1e-6), 1));
        context.Write(result, CliJsonContext.Output.PublishSummary, Render);
        return interrupted ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static async Task PublishAllAsync(HeraldClient bus, PublishRequest request, Tally tally, Action<long> progress, CancellationToken cancellationToken)
    {
        var message = new OutgoingMessage<JsonBody>(new JsonBody(request.Body), request.Options);
        var batch = new OutgoingMessage<JsonBody>[(int)Math.Min(request.Count, request.BatchSize)];
        Array.Fill(batch, message);
        while (tally.Published < request.Count)
        {
            var size = (int)Math.Min(batch.Length, request.Count - tally.Published);
            var results = await bus.PublishBatchAsync(request.Destination, size == batch.Length ? batch : batch[..size], cancellationToken);
            tally.Add(results);
            progress(tally.Published);
        }
    }

    private static void Render(IAnsiConsole console, PublishSummary result)
    {
        var entry = result.FirstEntryId is null ? string.Empty : $" (entry {result.FirstEntryId})";
        var receivers = result.Receivers is { } count ? $": received by {count} subscriber{(count == 1 ? string.Empty : "s")}" : string.Empty;
        var delay = result.DelayMilliseconds is { } ms ? $", due in {TimeSpan.FromMilliseconds(ms)}" : string.Empty;
        if (result.Published == 1)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"published [green]{result.FirstMessageId}[/] to [blue]{result.Destination}[/]{entry}{delay}{receivers}");
            return;
        }

        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"published [green]{result.Published:N0}[/] messages to [blue]{result.Destination}[/] in {result.Seconds:0.000} s ([green]{result.MessagesPerSecond:N0} msg/s[/]){delay}{receivers}");
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]ids {result.FirstMessageId} … {result.LastMessageId}[/]");
    }

    private static void Check(PublishRequest request)
    {
        if (request.Options.Delay is not null && request.Destination.Kind != DestinationKind.Queue)
        {
            throw new CliUsageException($"--delay applies to queues only; {request.Destination} is a {request.Destination.Kind.ToString().ToLowerInvariant()}.");
        }

        if (request.Options.Id is not null && request.Count > 1)
        {
            throw new CliUsageException("--id names one message; it cannot be combined with --count.");
        }
    }

    // "-" is standard input, "@path" a file, anything else the JSON itself. Invalid JSON is refused with its position.
    internal static ReadOnlyMemory<byte> ReadBody(string argument)
    {
        byte[] bytes;
        if (argument == "-")
        {
            using var input = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        else if (argument.StartsWith('@'))
        {
            try
            {
                bytes = File.ReadAllBytes(argument[1..]);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new CliUsageException($"cannot read the body file '{argument[1..]}': {exception.Message}", exception);
            }
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(argument);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
        }
        catch (JsonException exception)
        {
            var reason = exception.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0];
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                $"the body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}): {reason}"), exception);
        }

        return bytes;
    }

    private static Dictionary<string, string>? ParseHeaders(string[] pairs)
    {
        if (pairs.Length == 0)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliUsageException($"--header takes name=value; got '{pair}'.");
            }

            headers[pair[..equals]] = pair[(equals + 1)..];
        }

        return headers;
    }

    private sealed record PublishRequest(Destination Destination, ReadOnlyMemory<byte> Body, PublishOptions Options, long Count, int BatchSize);

    private sealed class Tally
    {
        public long Published { get; private set; }

        public long Receivers { get; private set; }

        public PublishResult? First { get; private set; }

        public PublishResult? Last { get; private set; }

        public void Add(IReadOnlyList<PublishResult> results)
        {
            First ??= results[0];
            Last = results[^1];
            Published += results.Count;
            foreach (var result in results)
            {
                Receivers += result.Receivers ?? 0;
            }
        }
    }
}
