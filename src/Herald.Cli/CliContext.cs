using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Herald.Redis;
using Spectre.Console;

namespace Herald.Cli;

/// <summary>
/// What a command needs besides its own options: the Redis connection settings resolved from
/// <c>--redis</c>/<c>HERALD_REDIS</c>, and where and how to write (tables on a console, or one JSON object).
/// </summary>
internal sealed class CliContext
{
    private readonly string _redisUrl;
    private RedisOptions? _redisOptions;

    public CliContext(string redisUrl, bool json, IAnsiConsole console, TextWriter output)
    {
        _redisUrl = redisUrl;
        Json = json;
        Console = console;
        Output = output;
    }

    /// <summary>True when <c>--json</c> asks for machine-readable output.</summary>
    public bool Json { get; }

    /// <summary>The console for tables, progress and text (not used for JSON).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Standard output, where JSON is written as plain text.</summary>
    public TextWriter Output { get; }

    /// <summary>The parsed connection settings. A malformed URL is a usage error (exit code 2), found before any connection.</summary>
    /// <exception cref="CliUsageException">The URL cannot be parsed or names invalid settings.</exception>
    public RedisOptions RedisOptions => _redisOptions ??= ParseRedisOptions(_redisUrl);

    /// <summary>The URL as given, password included: only for handing on to a child process, never for printing.</summary>
    public string RedisUrl => _redisUrl;

    /// <summary>The URL the commands connect to, without its password (safe to print).</summary>
    public string RedisDisplayUrl => RedisOptions.ToString();

    public static CliContext Create(ParseResult parseResult) =>
        new(ResolveRedisUrl(parseResult.GetValue(CliGlobalOptions.Redis)), parseResult.GetValue(CliGlobalOptions.Json), CreateConsole(), System.Console.Out);

    /// <summary><c>--redis</c> when given, else <c>HERALD_REDIS</c>, else the local default.</summary>
    public static string ResolveRedisUrl(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable(CliGlobalOptions.RedisVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : CliGlobalOptions.DefaultRedisUrl;

    /// <summary>Connects to Redis; failures surface as the client's typed exceptions, which the runner maps to exit codes.</summary>
    public async Task<RedisClient> ConnectAsync(CancellationToken cancellationToken) =>
        await RedisClient.ConnectAsync(RedisOptions, cancellationToken);

    /// <summary>Writes <paramref name="result"/> as JSON with <c>--json</c>, else lets <paramref name="render"/> draw it.</summary>
    public void Write<T>(T result, JsonTypeInfo<T> jsonType, Action<IAnsiConsole, T> render)
    {
        if (Json)
        {
            WriteJson(result, jsonType);
        }
        else
        {
            render(Console, result);
        }
    }

    public void WriteJson<T>(T result, JsonTypeInfo<T> jsonType)
    {
        Output.WriteLine(JsonSerializer.Serialize(result, jsonType));
        Output.Flush();
    }

    internal static RedisOptions ParseRedisOptions(string url)
    {
        try
        {
            var options = RedisOptions.Parse(url);
            options.ClientName = "herald-cli";
            options.Clone().Validate();
            return options;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            throw new CliUsageException($"invalid Redis URL '{Redact(url)}': {exception.Message}", exception);
        }
    }

    // The URL may carry a password; an error line must not print it.
    private static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || scheme < 0 || at < scheme)
        {
            return url;
        }

        var credentials = url[(scheme + 3)..at];
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? string.Empty : credentials[..colon];
        return url[..(scheme + 3)] + user + ":***" + url[at..];
    }

    private static IAnsiConsole CreateConsole()
    {
        var redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),

            // Piped into a file, another tool or a test: plain text, no escape codes, no live progress.
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            // No terminal width to honour, so wide tables keep their columns instead of wrapping at 80.
            console.Profile.Width = 160;
        }

        return console;
    }
}
