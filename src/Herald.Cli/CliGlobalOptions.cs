using System.CommandLine;

namespace Herald.Cli;

/// <summary>Options every command accepts, declared once on the root command and inherited by subcommands.</summary>
internal static class CliGlobalOptions
{
    /// <summary>The environment variable read when <c>--redis</c> is not given.</summary>
    public const string RedisVariable = "HERALD_REDIS";

    /// <summary>The server used when neither <c>--redis</c> nor <see cref="RedisVariable"/> names one.</summary>
    public const string DefaultRedisUrl = "redis://127.0.0.1:6379";

    public static Option<string?> Redis { get; } = new("--redis")
    {
        Description = $"The Redis URL: redis://[user:password@]host[:port][/db][?options], rediss:// for TLS, redis-sentinel://… [default: ${RedisVariable}, else {DefaultRedisUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object instead of tables and text (for scripts).",
        Recursive = true,
    };

    // Which deployment's keys the bus and operator commands read and write.

    /// <summary>The environment variable read when <c>--prefix</c> is not given.</summary>
    public const string PrefixVariable = "HERALD_PREFIX";

    public static Option<string?> Prefix { get; } = new("--prefix")
    {
        Description = $"The key prefix the bus was built with (HeraldOptions.KeyPrefix) [default: ${PrefixVariable}, else herald]",
        HelpName = "prefix",
        Recursive = true,
    };

    /// <summary><c>--prefix</c> when given, else <c>HERALD_PREFIX</c>, else Herald's default prefix.</summary>
    public static string ResolvePrefix(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable(PrefixVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Keys.KeySchema.DefaultPrefix;

    /// <summary>The key schema of the resolved prefix (<see cref="ResolvePrefix"/>); a prefix no key may carry is a usage error, found before connecting.</summary>
    /// <exception cref="CliUsageException">The prefix holds reserved characters.</exception>
    public static Keys.KeySchema KeySchema(ParseResult parseResult)
    {
        var prefix = ResolvePrefix(parseResult.GetValue(Prefix));
        try
        {
            return new Keys.KeySchema(prefix);
        }
        catch (ArgumentException exception)
        {
            throw new CliUsageException($"invalid key prefix '{prefix}': {exception.Message}", exception);
        }
    }
}
