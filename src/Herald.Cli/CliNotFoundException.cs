namespace Herald.Cli;

/// <summary>Something the command line names does not exist (a stream, a consumer group, a dead letter): exit code 7.</summary>
internal sealed class CliNotFoundException : Exception
{
    public CliNotFoundException(string message)
        : base(message)
    {
    }
}
