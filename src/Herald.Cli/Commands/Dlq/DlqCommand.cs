using System.CommandLine;
using System.Globalization;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Herald.Inspection;
using Spectre.Console;

namespace Herald.Cli.Commands.Dlq;

/// <summary>
/// <c>herald dlq list|show|replay|purge|delete</c>: the dead letters of a stream, queue or channel, read and acted on
/// through the inspector. Replay and purge of many ask first: on a terminal by a prompt, elsewhere by <c>--yes</c>.
/// </summary>
internal static class DlqCommand
{
    private const int ErrorWidth = 60;

    public static Command Create() => new("dlq", "Dead letters: list them with why they failed, show one, replay them to their origin, or delete them.")
    {
        ListCommand(),
        ShowCommand(),
        DlqReplay.ReplayCommand(),
        DlqReplay.PurgeCommand(),
        DeleteCommand(),
    };

    /// <summary>The destination argument every <c>dlq</c> command starts with.</summary>
    public static Argument<string> DestinationArgument() =>
        new("destination") { Description = "Where the messages came from: a stream (orders, stream:orders), queue:<name> or channel:<name>." };

    public static Argument<string> IdArgument() =>
        new("id") { Description = "A dead-letter id as 'dlq list' prints it: 1715000000000-0, or 3/1715000000000-0 in partition 3." };

    public static DeadLetterId ParseId(string text) =>
        DeadLetterId.TryParse(text, out var id)
            ? id
            : throw new CliUsageException($"'{text}' is not a dead-letter id: expected <entry id> or <partition>/<entry id>, e.g. 1715000000000-0 or 3/1715000000000-0.");

    public static CliNotFoundException NotFound(Destination destination, string id) =>
        new($"{destination} has no dead letter {id}: 'herald dlq list {destination}' shows the ids (it may have been replayed or deleted already).");

    private static Command ListCommand()
    {
        var destination = DestinationArgument();
        var filters = new DlqFilterOptions();
        var limit = new Option<int>("--limit", "-l") { Description = "Most dead letters to list.", DefaultValueFactory = _ => 50 }.InRange(1, 10_000);
        var after = new Option<string?>("--after") { Description = "Continue after this id (the 'next' of the previous page).", HelpName = "id" };
        var command = new Command("list", "List dead letters, oldest first, with reason, group, message type, attempts and error.") { destination, limit, after };
        filters.AddTo(command);
        return command.WithHandler(async (context, parseResult, cancellationToken) =>
        {
            var filter = filters.Read(parseResult);
            var from = parseResult.GetValue(after) is { } text ? ParseId(text) : (DeadLetterId?)null;
            await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
            var origin = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
            var page = await session.Inspector.ListDeadLettersAsync(origin, filter, parseResult.GetValue(limit), from, cancellationToken);
            var result = new DlqListResult(origin.ToString(), [.. page.Items.Select(DeadLetterRow.From)], page.Next?.ToString());
            context.Write(result, CliJsonContext.Output.DlqListResult, RenderList);
            return ExitCodes.Success;
        });
    }

    private static Command ShowCommand()
    {
        var destination = DestinationArgument();
        var id = IdArgument();
        return new Command("show", "Show one dead letter: why it failed (error, stack trace), the message's attributes, headers and body.") { destination, id }
            .WithHandler(async (context, parseResult, cancellationToken) =>
            {
                var letterId = ParseId(parseResult.GetRequiredValue(id));
                await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
                var origin = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
                var details = await session.Inspector.GetDeadLetterAsync(origin, letterId, cancellationToken) ?? throw NotFound(origin, letterId.ToString());
                context.Write(ShowResult(origin, details), CliJsonContext.Output.DlqShowResult, RenderShow);
                return ExitCodes.Success;
            });
    }

    private static Command DeleteCommand()
    {
        var destination = DestinationArgument();
        var id = IdArgument();
        return new Command("delete", "Delete one dead letter without replaying it.") { destination, id }
            .WithHandler(async (context, parseResult, cancellationToken) =>
            {
                var letterId = ParseId(parseResult.GetRequiredValue(id));
                await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
                var origin = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
                if (!await session.Inspector.DeleteDeadLetterAsync(origin, letterId, cancellationToken))
                {
                    throw NotFound(origin, letterId.ToString());
                }

                context.Write(new DlqRemoveResult(origin.ToString(), 1), CliJsonContext.Output.DlqRemoveResult,
                    (console, _) => console.MarkupLineInterpolated($"Deleted dead letter {letterId} of {origin}."));
                return ExitCodes.Success;
            });
    }

    private static DlqShowResult ShowResult(Destination origin, DeadLetterDetails details)
    {
        var letter = details.Letter;
        var envelope = letter.Envelope;
        return new DlqShowResult(
            origin.ToString(),
            DeadLetterRow.From(letter),
            envelope.Source,
            envelope.Time == default ? null : envelope.Time,
            envelope.DataContentType,
            envelope.ContentEncoding,
            envelope.TraceParent,
            envelope.Headers,
            details.BodyText,
            details.BodyText is null && details.Body is { } body ? Convert.ToBase64String(body.Span) : null,
            details.BodyError,
            letter.Fields.GetValueOrDefault("dlq-stack"),
            letter.Fields);
    }

    private static void RenderList(IAnsiConsole console, DlqListResult result)
    {
        if (result.Items.Count == 0)
        {
            console.MarkupLineInterpolated($"No dead letters of {result.Destination} match.");
            return;
        }

        var now = TimeProvider.System.GetUtcNow();
        var table = new Table().Title(Markup.Escape($"dead letters of {result.Destination}"))
            .AddColumn(new TableColumn("Id").NoWrap())
            .AddColumn(new TableColumn("Age").RightAligned())
            .AddColumn("Group")
            .AddColumn("Reason")
            .AddColumn("Type")
            .AddColumn(new TableColumn("Att.").RightAligned())
            .AddColumn("Error");
        foreach (var row in result.Items)
        {
            var error = row.ErrorType is { } type ? $"{ShortType(type)}: {row.Error}" : row.Error;
            table.AddRow(
                new Text(row.Id),
                new Text(Figures.Age(now - row.DeadLetteredAt)),
                new Text(row.Group),
                new Text(row.Reason),
                new Text(row.MessageType),
                new Text(row.Attempts.ToString(CultureInfo.InvariantCulture)),
                new Text(error.Length > ErrorWidth ? error[..(ErrorWidth - 1)] + "…" : error));
        }

        console.Write(table);
        if (result.Next is { } next)
        {
            console.MarkupLineInterpolated($"More: herald dlq list {result.Destination} --after {next}");
        }

        console.MarkupLineInterpolated($"[grey]'herald dlq show {result.Destination} <id>' for the full error and the message; 'herald dlq replay {result.Destination} <id>|--all' to retry.[/]");
    }

    private static void RenderShow(IAnsiConsole console, DlqShowResult result)
    {
        var letter = result.Letter;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string? value) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Text(value ?? "-"));

        Row("Dead letter", $"{letter.Id} of {result.Destination}");
        Row("Dead-lettered", letter.DeadLetteredAt.ToString("u", CultureInfo.InvariantCulture));
        Row("Group", letter.Group);
        Row("Reason", letter.Reason);
        Row("Error", letter.ErrorType is { } type ? $"{type}: {letter.Error}" : letter.Error);
        Row("Attempts", letter.Attempts.ToString(CultureInfo.InvariantCulture));
        Row("Message id", letter.MessageId);
        Row("Type", letter.MessageType);
        Row("Source", result.Source);
        Row("Published", result.Time?.ToString("u", CultureInfo.InvariantCulture));
        Row("Origin id", letter.OriginId);
        Row("Content", string.Join(", ", new[] { result.ContentType, result.ContentEncoding }.Where(static s => !string.IsNullOrEmpty(s))));
        Row("Trace", result.TraceParent);
        foreach (var (name, value) in result.Headers)
        {
            Row("Header " + name, value);
        }

        console.Write(grid);
        console.WriteLine();
        console.MarkupLine("[bold]Body[/]");
        console.WriteLine(result.Body ?? (result.BodyBase64 is { } base64 ? "(binary, base64) " + base64 : "(not readable: " + result.BodyError + ")"));
        if (result.StackTrace is { } stack)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Stack trace[/]");
            console.WriteLine(stack);
        }
    }

    private static string ShortType(string type) => type[(type.LastIndexOf('.') + 1)..];
}
