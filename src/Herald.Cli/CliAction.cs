using System.CommandLine;

namespace Herald.Cli;

/// <summary>The body of a command: it gets its context, the parse result for its own options, and Ctrl+C.</summary>
/// <returns>The exit code (<see cref="ExitCodes"/>); failures are thrown and mapped by <see cref="CliAction"/>.</returns>
internal delegate Task<int> CliHandler(CliContext context, ParseResult parseResult, CancellationToken cancellationToken);

/// <summary>Wires a <see cref="CliHandler"/> into System.CommandLine with the CLI's error contract.</summary>
internal static class CliAction
{
    /// <summary>
    /// Sets <paramref name="handler"/> as the action of <paramref name="command"/>. Every exception it throws
    /// becomes one <c>error:</c> line on standard error and the exit code of its class (<see cref="CliErrors"/>).
    /// </summary>
    public static Command WithHandler(this Command command, CliHandler handler)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var context = CliContext.Create(parseResult);
                return await handler(context, parseResult, cancellationToken);
            }
            catch (Exception exception)
            {
                return CliErrors.Report(exception, error);
            }
        });
        return command;
    }
}
