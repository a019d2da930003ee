using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Herald.Inspection;
using Spectre.Console;

namespace Herald.Cli.Commands.Dlq;

/// <summary>
/// <c>herald dlq replay</c> and <c>herald dlq purge</c>: the commands that act on many dead letters at once, so they
/// count first and ask: a prompt on a terminal; without one, <c>--yes</c> or a refusal (exit code 2).
/// </summary>
internal static class DlqReplay
{
    public static Command ReplayCommand()
    {
        var destination = DlqCommand.DestinationArgument();
        var ids = new Argument<string[]>("id") { Description = "Dead-letter ids to replay; or use --all or filters.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Replay every dead letter of the destination (with filters: every match)." };
        var yes = YesOption("Replay many without asking.");
        var filters = new DlqFilterOptions();
        var command = new Command("replay", "Put dead letters back into their origin, attempt count reset to 1: by id, every one (--all) or those matching filters.")
        {
            destination,
            ids,
            all,
            yes,
        };
        filters.AddTo(command);
        return command.WithHandler(async (context, parseResult, cancellationToken) =>
        {
            var named = parseResult.GetValue(ids) ?? [];
            var filter = filters.Read(parseResult);
            var bulk = parseResult.GetValue(all) || filter is not null;
            if (named.Length > 0 == bulk)
            {
                throw new CliUsageException(named.Length > 0
                    ? "name dead letters by id, or select them with --all or filters, not both."
                    : "say which dead letters to replay: their ids, --all, or filters (--reason, --type, --group, --since, --until).");
            }

            var letterIds = named.Select(DlqCommand.ParseId).ToList();
            await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
            var origin = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
            return bulk
                ? await ReplayManyAsync(context, session.Inspector, origin, filter, parseResult.GetValue(yes), cancellationToken)
                : await ReplayIdsAsync(context, session.Inspector, origin, letterIds, cancellationToken);
        });
    }

    public static Command PurgeCommand()
    {
        var destination = DlqCommand.DestinationArgument();
        var yes = YesOption("Delete without asking (required when there is no terminal to ask on).");
        var filters = new DlqFilterOptions();
        var command = new Command("purge", "Delete every dead letter of a destination (or those matching filters) without replaying them.") { destination, yes };
        filters.AddTo(command);
        return command.WithHandler(async (context, parseResult, cancellationToken) =>
        {
            var filter = filters.Read(parseResult);
            await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
            var origin = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
            var count = await session.Inspector.CountDeadLettersAsync(origin, filter, cancellationToken);
            if (count > 0 && !Confirm(context, parseResult.GetValue(yes), $"Delete {Figures.Count(count)} dead letter(s) of {origin} for good?", "purge", count, origin))
            {
                return Declined(context);
            }

            var deleted = count == 0 ? 0 : await session.Inspector.PurgeDeadLettersAsync(origin, filter, cancellationToken);
            context.Write(new DlqRemoveResult(origin.ToString(), deleted), CliJsonContext.Output.DlqRemoveResult,
                (console, result) => console.MarkupLineInterpolated($"Deleted {Figures.Count(result.Deleted)} dead letter(s) of {origin}."));
            return ExitCodes.Success;
        });
    }

    private static async Task<int> ReplayIdsAsync(CliContext context, HeraldInspector inspector, Destination origin, List<DeadLetterId> ids, CancellationToken cancellationToken)
    {
        var outcomes = new List<DlqIdOutcome>(ids.Count);
        foreach (var id in ids)
        {
            var outcome = await inspector.ReplayDeadLetterAsync(origin, id, cancellationToken);
            outcomes.Add(new DlqIdOutcome(id.ToString(), outcome switch
            {
                ReplayOutcome.Replayed => "replayed",
                ReplayOutcome.NotFound => "notFound",
                _ => "noSubscriber",
            }));
        }

        var missing = outcomes.Where(static o => o.Outcome == "notFound").Select(static o => o.Id).ToList();
        var replayed = outcomes.Count(static o => o.Outcome == "replayed");
        if (missing.Count > 0)
        {
            throw new CliNotFoundException(Figures.Invariant($"{origin} has no dead letter {string.Join(", ", missing)} (replayed {replayed} of {ids.Count}): 'herald dlq list {origin}' shows the ids."));
        }

        var result = new DlqReplayResult(origin.ToString(), replayed, outcomes.Count - replayed, outcomes);
        context.Write(result, CliJsonContext.Output.DlqReplayResult, RenderReplay);
        return ExitCodes.Success;
    }

    private static async Task<int> ReplayManyAsync(CliContext context, HeraldInspector inspector, Destination origin, DeadLetterFilter? filter, bool yes, CancellationToken cancellationToken)
    {
        var count = await inspector.CountDeadLettersAsync(origin, filter, cancellationToken);
        if (count > 0 && !Confirm(context, yes, $"Replay {Figures.Count(count)} dead letter(s) of {origin} into their origin?", "replay", count, origin))
        {
            return Declined(context);
        }

        DeadLetterReplaySummary summary;
        if (count > 1 && Interactive(context))
        {
            summary = await context.Console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"replaying {origin}"), maxValue: count);
                var reporter = new Progress<long>(done => task.Value = done);
                var done = await inspector.ReplayDeadLettersAsync(origin, filter, reporter, cancellationToken);
                task.Value = count;
                return done;
            });
        }
        else
        {
            summary = count == 0 ? new DeadLetterReplaySummary(0, 0) : await inspector.ReplayDeadLettersAsync(origin, filter, cancellationToken: cancellationToken);
        }

        context.Write(new DlqReplayResult(origin.ToString(), summary.Replayed, summary.Kept, []), CliJsonContext.Output.DlqReplayResult, RenderReplay);
        return ExitCodes.Success;
    }

    private static void RenderReplay(IAnsiConsole console, DlqReplayResult result)
    {
        foreach (var id in result.Ids.Where(static o => o.Outcome == "noSubscriber"))
        {
            console.MarkupLineInterpolated($"[yellow]Kept {id.Id}: nobody listens on the channel, publishing it would lose it.[/]");
        }

        console.MarkupLineInterpolated($"Replayed {Figures.Count(result.Replayed)} dead letter(s) of {result.Destination} into their origin{(result.Kept > 0 ? Figures.Invariant($"; kept {result.Kept}") : string.Empty)}.");
    }

    private static Option<bool> YesOption(string description) => new("--yes", "-y") { Description = description };

    // A prompt needs a terminal on both ends, and would corrupt --json output.
    private static bool Interactive(CliContext context) =>
        !context.Json && context.Console.Profile.Capabilities.Interactive && !Console.IsInputRedirected;

    private static bool Confirm(CliContext context, bool yes, string question, string verb, long count, Destination origin)
    {
        if (yes)
        {
            return true;
        }

        if (!Interactive(context))
        {
            throw new CliUsageException(Figures.Invariant($"refusing to {verb} {count} dead letter(s) of {origin} without confirmation: there is no terminal to ask on; add --yes."));
        }

        return context.Console.Confirm(Markup.Escape(question), defaultValue: false);
    }

    private static int Declined(CliContext context)
    {
        context.Console.MarkupLine("Nothing done.");
        return ExitCodes.Cancelled;
    }
}
