namespace Herald.Redis;

/// <summary>The root of every exception Herald throws on purpose.</summary>
public class HeraldException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public HeraldException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public HeraldException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
