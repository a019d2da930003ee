using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Spectre.Console;

namespace Herald.Cli.Commands.Groups;

/// <summary>
/// <c>herald groups &lt;destination&gt;</c>: a stream's consumer groups with lag, pending work, ages and pauses (each
/// consumer with <c>--consumers</c>); for a queue, which has no groups in Redis, its figures and every consumer.
/// Below the table, what the figures suggest: a paused group, lag nobody reads, a stuck consumer, dead letters.
/// </summary>
internal static class GroupsCommand
{
    // A consumer or pending entry untouched this long while work waits is worth pointing at.
    private static readonly TimeSpan s_stuck = TimeSpan.FromMinutes(1);

    public static Command Create()
    {
        var destination = new Argument<string>("destination") { Description = "A stream (orders or stream:orders) or a queue (queue:jobs)." };
        var consumers = new Option<bool>("--consumers", "-c") { Description = "Also list each consumer of each group with its pending entries and idle time." };
        return new Command("groups", "Show the consumer groups of a stream (lag, pending, oldest ages, paused) or the consumers of a queue.")
        {
            destination,
            consumers,
        }.WithHandler((context, parseResult, cancellationToken) =>
            RunAsync(context, parseResult, parseResult.GetRequiredValue(destination), parseResult.GetValue(consumers), cancellationToken));
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parseResult, string text, bool showConsumers, CancellationToken cancellationToken)
    {
        await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
        var destination = await session.ResolveAsync(text, cancellationToken);
        switch (destination.Kind)
        {
            case DestinationKind.Stream:
                var stream = StreamGroupsResult.From(destination, await session.Inspector.GetStreamAsync(destination.Name, cancellationToken: cancellationToken));
                context.Write(stream, CliJsonContext.Output.StreamGroupsResult, (console, result) => Render(console, result, showConsumers));
                break;
            case DestinationKind.Queue:
                var queue = QueueGroupsResult.From(destination, await session.Inspector.GetQueueAsync(destination.Name, cancellationToken: cancellationToken));
                context.Write(queue, CliJsonContext.Output.QueueGroupsResult, Render);
                break;
            default:
                throw new CliUsageException($"{destination} has no consumer groups in Redis: Pub/Sub delivers to whoever listens now ('herald ls' shows streams and queues).");
        }

        return ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, StreamGroupsResult result, bool showConsumers)
    {
        var table = new Table()
            .Title(Markup.Escape(Figures.Invariant($"{result.Destination}: {result.Partitions} partition(s), {Figures.Count(result.Length)} entries, {Figures.Count(result.DeadLetters)} dead letters")))
            .AddColumn("Group")
            .AddColumn(new TableColumn("Consumers").RightAligned())
            .AddColumn(new TableColumn("Lag").RightAligned())
            .AddColumn(new TableColumn("Pending").RightAligned())
            .AddColumn(new TableColumn("Oldest waiting").RightAligned())
            .AddColumn(new TableColumn("Oldest pending").RightAligned())
            .AddColumn(new TableColumn("Pending idle").RightAligned())
            .AddColumn(new TableColumn("Retries").RightAligned())
            .AddColumn("Paused");
        foreach (var group in result.Groups)
        {
            table.AddRow(
                new Text(group.Name),
                new Text(Figures.Count(group.Consumers.Count)),
                new Text(Lag(group.Lag, group.LagAccuracy)),
                new Text(Figures.Count(group.Pending)),
                new Text(Figures.Age(group.OldestWaitingAgeSeconds)),
                new Text(Figures.Age(group.OldestPendingAgeSeconds)),
                new Text(Figures.Age(group.OldestPendingIdleSeconds)),
                new Text(Figures.Count(group.DelayedRetries)),
                group.Paused ? new Markup("[yellow]paused[/]") : new Text("-"));
        }

        if (result.Groups.Count == 0)
        {
            console.MarkupLineInterpolated($"{result.Destination} has no consumer groups yet: a group is created when its first consumer starts.");
        }
        else
        {
            console.Write(table);
        }

        if (showConsumers)
        {
            foreach (var group in result.Groups.Where(static g => g.Consumers.Count > 0))
            {
                var consumers = new Table().Title(Markup.Escape($"group {group.Name}"))
                    .AddColumn("Consumer")
                    .AddColumn(new TableColumn("Pending").RightAligned())
                    .AddColumn(new TableColumn("Idle").RightAligned())
                    .AddColumn(new TableColumn("Inactive").RightAligned());
                foreach (var consumer in group.Consumers)
                {
                    consumers.AddRow(consumer.Name, Figures.Count(consumer.Pending), Figures.Age(consumer.IdleSeconds), Figures.Age(consumer.InactiveSeconds));
                }

                console.Write(consumers);
            }
        }

        foreach (var hint in Diagnose(result))
        {
            console.MarkupLine(hint);
        }

        DeadLetterHint(console, result.Destination, result.DeadLetters);
    }

    private static void Render(IAnsiConsole console, QueueGroupsResult result)
    {
        var figures = new Table()
            .Title(Markup.Escape(Figures.Invariant($"{result.Destination}: {result.Priorities} priority level(s)")))
            .AddColumn(new TableColumn("Waiting").RightAligned())
            .AddColumn(new TableColumn("Delayed").RightAligned())
            .AddColumn(new TableColumn("In flight").RightAligned())
            .AddColumn(new TableColumn("Oldest waiting").RightAligned())
            .AddColumn(new TableColumn("Next delayed due").RightAligned())
            .AddColumn(new TableColumn("Dead").RightAligned())
            .AddColumn("Paused groups");
        figures.AddRow(
            Figures.Count(result.Waiting),
            Figures.Count(result.Delayed),
            Figures.Count(result.InFlight),
            Figures.Age(result.OldestWaitingAgeSeconds),
            result.NextDelayedDue is { } due ? due.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "-",
            Figures.Count(result.DeadLetters),
            Markup.Escape(result.PausedGroups.Count == 0 ? "-" : string.Join(", ", result.PausedGroups)));
        console.Write(figures);

        if (result.Consumers.Count > 0)
        {
            var consumers = new Table().Title("consumers")
                .AddColumn("Consumer")
                .AddColumn(new TableColumn("In flight").RightAligned())
                .AddColumn(new TableColumn("Oldest in flight").RightAligned())
                .AddColumn(new TableColumn("Heartbeat").RightAligned())
                .AddColumn("State");
            foreach (var consumer in result.Consumers)
            {
                consumers.AddRow(
                    new Text(consumer.Name),
                    new Text(Figures.Count(consumer.InFlight)),
                    new Text(Figures.Age(consumer.OldestInFlightAgeSeconds)),
                    new Text(Figures.Age(consumer.HeartbeatAgeSeconds) + " ago"),
                    consumer.PresumedDead ? new Markup("[red]presumed dead[/]") : new Markup("[green]alive[/]"));
            }

            console.Write(consumers);
        }

        foreach (var group in result.PausedGroups)
        {
            console.MarkupLineInterpolated($"[yellow]Group '{group}' is paused: its consumers take nothing new. Resume it with 'herald resume {result.Destination} --group {group}'.[/]");
        }

        if (result.Waiting > 0 && result.Consumers.All(static c => c.PresumedDead))
        {
            console.MarkupLineInterpolated($"[yellow]{Figures.Count(result.Waiting)} message(s) wait and no live consumer is registered: nothing takes them.[/]");
        }

        foreach (var dead in result.Consumers.Where(static c => c.PresumedDead && c.InFlight > 0))
        {
            console.MarkupLineInterpolated($"[yellow]Consumer '{dead.Name}' stopped with {dead.InFlight} message(s) in flight: the reaper of a live consumer returns them to the queue.[/]");
        }

        DeadLetterHint(console, result.Destination, result.DeadLetters);
    }

    private static List<string> Diagnose(StreamGroupsResult result)
    {
        var hints = new List<string>();
        foreach (var group in result.Groups)
        {
            var name = Markup.Escape(group.Name);
            var destination = Markup.Escape(result.Destination);
            if (group.Paused)
            {
                hints.Add($"[yellow]Group '{name}' is paused: its consumers fetch nothing new. Resume it with 'herald resume {destination} --group {name}'.[/]");
            }
            else if (group.Lag > 0 && group.Consumers.Count == 0)
            {
                hints.Add($"[yellow]Group '{name}' lags by {Figures.Count(group.Lag)} and has no consumers: nothing reads it.[/]");
            }
            else if (group.Lag > 0 && group.Consumers.All(c => c.IdleSeconds >= s_stuck.TotalSeconds))
            {
                hints.Add($"[yellow]Group '{name}' lags by {Figures.Count(group.Lag)} and none of its consumers has read for {Figures.Age(group.Consumers.Min(static c => c.IdleSeconds))}: they are stopped or stuck.[/]");
            }
            else if (group.Lag > 0 && group.OldestWaitingAgeSeconds >= s_stuck.TotalSeconds)
            {
                hints.Add($"[yellow]Group '{name}' reads, but its oldest waiting entry is {Figures.Age(group.OldestWaitingAgeSeconds)} old: it is slower than its producers (add consumers or concurrency).[/]");
            }

            if (group.OldestPendingIdleSeconds >= s_stuck.TotalSeconds)
            {
                hints.Add($"[yellow]An entry of group '{name}' was handed out {Figures.Age(group.OldestPendingIdleSeconds)} ago and not acknowledged: a stuck or dead consumer (it is reclaimed after the visibility timeout).[/]");
            }
        }

        return hints;
    }

    public static void DeadLetterHint(IAnsiConsole console, string destination, long deadLetters)
    {
        if (deadLetters > 0)
        {
            console.MarkupLineInterpolated($"{Figures.Count(deadLetters)} dead letter(s): 'herald dlq list {destination}' shows why they failed, 'herald dlq replay {destination} --all' retries them.");
        }
    }

    private static string Lag(long lag, string accuracy) => accuracy == "atLeast" ? "≥" + Figures.Count(lag) : Figures.Count(lag);
}
