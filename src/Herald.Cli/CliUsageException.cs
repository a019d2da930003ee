namespace Herald.Cli;

/// <summary>A mistake on the command line found after parsing (a bad URL, an impossible combination): exit code 2.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>What the command line names does not exist in Redis (a stream, a consumer group): exit code 7.</summary>
internal sealed class CliNotFoundException : Exception
{
    public CliNotFoundException(string message)
        : base(message)
    {
    }
}
