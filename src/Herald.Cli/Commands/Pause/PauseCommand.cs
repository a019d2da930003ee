using System.CommandLine;
using Herald.Cli.Operations;
using Herald.Cli.Output;
using Herald.Inspection;
using Spectre.Console;

namespace Herald.Cli.Commands.Pause;

/// <summary>
/// <c>herald pause|resume &lt;destination&gt; [--group g]</c>: stops or restarts a consumer group on every worker at once.
/// A paused consumer finishes what it holds and fetches nothing new within one maintenance pass.
/// </summary>
internal static class PauseCommand
{
    public static Command CreatePause() => Create(
        "pause",
        "Pause a consumer group on every worker: its consumers finish their in-flight work and fetch nothing new until resumed.",
        pause: true);

    public static Command CreateResume() => Create("resume", "Resume a consumer group paused with 'herald pause'.", pause: false);

    private static Command Create(string name, string description, bool pause)
    {
        var destination = new Argument<string>("destination") { Description = "A stream (orders, stream:orders), queue:<name> or channel:<name>." };
        var group = new Option<string>("--group", "-g")
        {
            Description = $"The consumer group (for a queue, usually the default: its consumers share it).",
            DefaultValueFactory = _ => HeraldInspector.DefaultGroup,
            HelpName = "group",
        };
        return new Command(name, description) { destination, group }.WithHandler(async (context, parseResult, cancellationToken) =>
        {
            await using var session = await OperatorSession.OpenAsync(context, parseResult, cancellationToken);
            var target = await session.ResolveAsync(parseResult.GetRequiredValue(destination), cancellationToken);
            var groupName = parseResult.GetRequiredValue(group);
            if (target.Kind == DestinationKind.Stream)
            {
                await RequireGroupAsync(session.Inspector, target, groupName, cancellationToken);
            }

            var changed = pause
                ? await session.Inspector.PauseAsync(target, groupName, cancellationToken)
                : await session.Inspector.ResumeAsync(target, groupName, cancellationToken);
            var result = new PauseResult(target.ToString(), groupName, pause, changed);
            context.Write(result, CliJsonContext.Output.PauseResult, Render);
            return ExitCodes.Success;
        });
    }

    // A stream's groups exist in Redis, so a typo there is caught; a queue's group is only a name its consumers share.
    private static async Task RequireGroupAsync(HeraldInspector inspector, Destination stream, string group, CancellationToken cancellationToken)
    {
        var groups = (await inspector.GetStreamAsync(stream.Name, cancellationToken)).Groups.Select(static g => g.Name).ToList();
        if (!groups.Contains(group, StringComparer.Ordinal))
        {
            throw new CliNotFoundException(groups.Count == 0
                ? $"{stream} has no consumer group '{group}' (it has none yet: a group is created when its first consumer starts)."
                : $"{stream} has no consumer group '{group}': its groups are {string.Join(", ", groups)} (choose one with --group).");
        }
    }

    private static void Render(IAnsiConsole console, PauseResult result)
    {
        var text = (result.Paused, result.Changed) switch
        {
            (true, true) => $"Paused group '{result.Group}' of {result.Destination}: its consumers finish their in-flight work and fetch nothing new (within one maintenance pass on each worker).",
            (true, false) => $"Group '{result.Group}' of {result.Destination} was already paused.",
            (false, true) => $"Resumed group '{result.Group}' of {result.Destination}: its consumers fetch again within one maintenance pass.",
            _ => $"Group '{result.Group}' of {result.Destination} was not paused.",
        };
        console.WriteLine(text);
    }
}

/// <summary>The <c>--json</c> shape of <c>herald pause</c> and <c>herald resume</c>.</summary>
/// <param name="Destination">The destination.</param>
/// <param name="Group">The consumer group.</param>
/// <param name="Paused">Whether the group is paused now.</param>
/// <param name="Changed">False when it already was (pause) or was not (resume).</param>
internal sealed record PauseResult(string Destination, string Group, bool Paused, bool Changed);
