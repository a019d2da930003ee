namespace Herald.Cli;

/// <summary>
/// The process exit codes of <c>herald</c>. Scripts branch on them, so a value never changes meaning;
/// new failure classes take new numbers. <c>docs/cli.md</c> lists them for users.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure: a bug or an environment problem the CLI does not classify.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown command or option, invalid value, malformed Redis URL.</summary>
    public const int Usage = 2;

    /// <summary>Redis could not be reached or the connection broke (refused, unreachable, timed out, reset).</summary>
    public const int Connection = 3;

    /// <summary>Redis refused the credentials or the ACL user may not run the command.</summary>
    public const int Authentication = 4;

    /// <summary>The peer does not speak RESP, or sent a reply that is not valid RESP.</summary>
    public const int Protocol = 5;

    /// <summary>Redis answered a command with an error reply (other than an authentication error).</summary>
    public const int ServerError = 6;

    /// <summary>What the command names does not exist: an unknown destination or key prefix, consumer group or dead letter.</summary>
    public const int NotFound = 7;

    /// <summary>The user interrupted the command (Ctrl+C, SIGTERM), as shells report for SIGINT.</summary>
    public const int Cancelled = 130;
}
