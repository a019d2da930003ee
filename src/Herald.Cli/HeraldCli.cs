using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Herald.Cli.Bench;
using Herald.Cli.Commands.Acl;
using Herald.Cli.Commands.Demo;
using Herald.Cli.Commands.Dlq;
using Herald.Cli.Commands.Groups;
using Herald.Cli.Commands.Info;
using Herald.Cli.Commands.Listen;
using Herald.Cli.Commands.Lag;
using Herald.Cli.Commands.Ls;
using Herald.Cli.Commands.Pause;
using Herald.Cli.Commands.Ping;
using Herald.Cli.Commands.Publish;
using Herald.Cli.Commands.Stats;
using Herald.Cli.Commands.Tail;
using Herald.Cli.Commands.Tasks;
using Herald.Cli.Commands.Workers;

namespace Herald.Cli;

/// <summary>The <c>herald</c> command tree. A new command is a folder with a <c>Create()</c> method and one line here.</summary>
internal static class HeraldCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("herald: inspect and exercise Redis and the Herald message bus.")
        {
            CliGlobalOptions.Redis,
            CliGlobalOptions.Json,
            CliGlobalOptions.Prefix,
        };

        root.Subcommands.Add(PingCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(PublishCommand.Create());
        root.Subcommands.Add(ListenCommand.Create());
        root.Subcommands.Add(TailCommand.Create());
        root.Subcommands.Add(AclCommand.Create());
        root.Subcommands.Add(BusBenchConsumer.Create());

        // Operator commands: see and steer a deployment through the Inspector.
        root.Subcommands.Add(LsCommand.Create());
        root.Subcommands.Add(GroupsCommand.Create());
        root.Subcommands.Add(LagCommand.Create());
        root.Subcommands.Add(DlqCommand.Create());
        root.Subcommands.Add(PauseCommand.CreatePause());
        root.Subcommands.Add(PauseCommand.CreateResume());
        root.Subcommands.Add(WorkersCommand.Create());
        root.Subcommands.Add(TaskCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        // After Ctrl+C or SIGTERM a command gets this long to stop cleanly (demo and bench delete their keys)
        // before the process is ended; System.CommandLine's default of 2 s cuts that short.
        configuration ??= new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) };
        // No response files: "@file" is how publish names a body file, and expanding it would replace the argument.
        var parseResult = Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction)
        {
            // System.CommandLine would print every error and the whole help text with exit code 1;
            // the CLI promises one line and exit code 2 for any usage mistake.
            var message = FirstError(parseResult);
            await configuration.Error.WriteLineAsync($"error: {CliErrors.OneLine(message)} (see '{CommandPath(parseResult)} --help')");
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration);
    }

    // An unknown word also makes "Required command was not provided"; the unknown word is the real mistake.
    private static string FirstError(ParseResult parseResult)
    {
        var errors = parseResult.Errors;
        if (parseResult.UnmatchedTokens.Count > 0 && errors.FirstOrDefault(e => e.Message.Contains(parseResult.UnmatchedTokens[0], StringComparison.Ordinal)) is { } unknown)
        {
            return unknown.Message;
        }

        return errors.Count > 0 ? errors[0].Message : "invalid command line.";
    }

    // "herald bench resp": the command the mistake was made in, so the hint points at the right help.
    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (SymbolResult? result = parseResult.CommandResult; result is CommandResult { Command: not RootCommand } command; result = result.Parent)
        {
            names.Insert(0, command.Command.Name);
        }

        names.Insert(0, "herald");
        return string.Join(' ', names);
    }
}
