using Herald.Inspection;
using Herald.Redis;

namespace Herald.Cli;

/// <summary>Turns any failure into an exit code and one line for standard error; never a stack trace.</summary>
internal static class CliErrors
{
    /// <summary>Set this environment variable to <c>1</c> to print the full exception after the error line.</summary>
    public const string TraceVariable = "HERALD_TRACE";

    public static int Report(Exception exception, TextWriter error)
    {
        var (code, message) = Classify(exception);
        error.WriteLine("error: " + OneLine(message));
        if (Environment.GetEnvironmentVariable(TraceVariable) is "1" or "true")
        {
            error.WriteLine(exception.ToString());
        }

        return code;
    }

    public static (int ExitCode, string Message) Classify(Exception exception) => exception switch
    {
        CliUsageException usage => (ExitCodes.Usage, usage.Message),
        DestinationNotFoundException missing => (ExitCodes.NotFound, NotFoundHint(missing)),
        CliNotFoundException missing => (ExitCodes.NotFound, missing.Message),
        RedisAuthenticationException auth => (ExitCodes.Authentication, auth.Message),
        RedisServerException { Kind: RedisErrorKind.NoPerm } denied => (ExitCodes.Authentication, denied.Message),
        RedisServerException server => (ExitCodes.ServerError, "Redis replied with an error: " + server.Message),
        RedisConnectionException { Failure: RedisConnectionFailure.ProtocolError } protocol => (ExitCodes.Protocol, protocol.Message),
        RedisProtocolException protocol => (ExitCodes.Protocol, protocol.Message),
        RedisConnectionException connection => (ExitCodes.Connection, connection.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled."),
        _ => (ExitCodes.Failure, $"unexpected {exception.GetType().Name}: {exception.Message} (set {TraceVariable}=1 for details)"),
    };

    // The inspector's message explains the cause; the CLI adds where to look, in its own words.
    private static string NotFoundHint(DestinationNotFoundException missing) =>
        $"no {missing.Destination} under the key prefix '{missing.Prefix}': check the name ('herald ls' lists what exists) "
        + $"and the prefix (--prefix or ${CliGlobalOptions.PrefixVariable}); a destination is known once something published to or consumed from it.";

    /// <summary>Collapses a message to one line, so that scripts can rely on exactly one error line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
