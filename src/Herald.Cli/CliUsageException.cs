namespace Herald.Cli;

/// <summary>A mistake on the command line found after parsing (a bad URL, an impossible combination): exit code 2.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

