using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Inspection;

namespace Herald.Cli.Commands.Dlq;

/// <summary>The filter options of <c>dlq list|replay|purge</c>, made once per command.</summary>
internal sealed class DlqFilterOptions
{
    private readonly Option<string?> _reason = new("--reason") { Description = "Only this reason (HandlerFailed, NoHandler, …; case-insensitive).", HelpName = "reason" };
    private readonly Option<string?> _type = new("--type") { Description = "Only this message type (shop.order.placed).", HelpName = "type" };
    private readonly Option<string?> _group = new("--group", "-g") { Description = "Only those the consumer group gave up on.", HelpName = "group" };
    private readonly Option<string?> _since = new("--since") { Description = "Dead-lettered at or after: a duration ago (10m, 2h, 1d) or a time (2025-05-06T14:00:00Z).", HelpName = "time" };
    private readonly Option<string?> _until = new("--until") { Description = "Dead-lettered before: a duration ago or a time.", HelpName = "time" };

    public void AddTo(Command command)
    {
        command.Options.Add(_reason);
        command.Options.Add(_type);
        command.Options.Add(_group);
        command.Options.Add(_since);
        command.Options.Add(_until);
    }

    /// <summary>The filter the options describe; null when none is given.</summary>
    /// <exception cref="CliUsageException">A time that does not parse.</exception>
    public DeadLetterFilter? Read(ParseResult parseResult)
    {
        var now = TimeProvider.System.GetUtcNow();
        var filter = new DeadLetterFilter
        {
            Reason = parseResult.GetValue(_reason),
            MessageType = parseResult.GetValue(_type),
            Group = parseResult.GetValue(_group),
            From = parseResult.GetValue(_since) is { } since ? TimeArguments.ParseTime(since, "--since", now) : null,
            To = parseResult.GetValue(_until) is { } until ? TimeArguments.ParseTime(until, "--until", now) : null,
        };
        return filter == new DeadLetterFilter() ? null : filter;
    }
}
