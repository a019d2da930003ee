namespace Herald.Tasks;

/// <summary>
/// The envelope headers with which a producer passes per-run choices to the worker; documented in
/// <c>docs/tasks.md</c> so producers in other languages can set them. User headers must not start with <c>task-</c>.
/// </summary>
public static class TaskHeaders
{
    /// <summary>Unix time (ms) after which the task must not start.</summary>
    public const string Expires = "task-expires";

    /// <summary>Retries allowed after the first attempt, overriding the worker's setting.</summary>
    public const string MaxRetries = "task-max-retries";

    /// <summary>How long one run may take, in ms, overriding the worker's setting (-1 for no limit).</summary>
    public const string Timeout = "task-timeout";

    /// <summary>The prefix reserved for Herald's task headers.</summary>
    public const string Prefix = "task-";
}
