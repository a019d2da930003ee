using System.CommandLine;
using Herald.Inspection;
using Herald.Keys;
using Herald.Redis;

namespace Herald.Cli.Operations;

/// <summary>
/// What an operator command works through: one Redis connection and a <see cref="HeraldInspector"/> over the
/// key prefix of <c>--prefix</c>/<c>HERALD_PREFIX</c>. The CLI reads and steers Herald only through the inspector.
/// </summary>
internal sealed class OperatorSession : IAsyncDisposable
{
    private static readonly string[] s_kinds = ["stream:", "queue:", "channel:", "pattern:"];

    private readonly RedisClient _redis;

    private OperatorSession(RedisClient redis, HeraldInspector inspector)
    {
        _redis = redis;
        Inspector = inspector;
    }

    public HeraldInspector Inspector { get; }

    public string Prefix => Inspector.Keys.Prefix;

    /// <summary>Checks the prefix (a bad one is a usage error, found before connecting), then connects.</summary>
    public static async Task<OperatorSession> OpenAsync(CliContext context, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var keys = CliGlobalOptions.KeySchema(parseResult);
        var redis = await context.ConnectAsync(cancellationToken);
        return new OperatorSession(redis, new HeraldInspector(redis, keys));
    }

    /// <summary>
    /// Reads a destination as the user wrote it: <c>kind:name</c>, or a bare name that is looked up among the registered
    /// streams and queues (names may hold colons, <c>shop:orders</c>, so only a known kind counts as one).
    /// </summary>
    /// <exception cref="CliUsageException">An invalid name, or a bare name that is both a stream and a queue.</exception>
    /// <exception cref="CliNotFoundException">A bare name that is neither.</exception>
    public async Task<Destination> ResolveAsync(string text, CancellationToken cancellationToken)
    {
        if (s_kinds.Any(kind => text.StartsWith(kind, StringComparison.OrdinalIgnoreCase)))
        {
            return Parse(() => Destination.Parse(text), text);
        }

        var stream = Parse(() => Destination.Stream(text), text);
        var queue = Destination.Queue(text);
        var registered = await Inspector.ListRegisteredDestinationsAsync(cancellationToken);
        return (registered.Contains(stream), registered.Contains(queue)) switch
        {
            (true, true) => throw new CliUsageException($"'{text}' is both a stream and a queue: write stream:{text} or queue:{text}."),
            (true, false) => stream,
            (false, true) => queue,
            _ => throw new CliNotFoundException(
                $"no stream or queue '{text}' under the key prefix '{Prefix}': check the name ('herald ls' lists what exists) and the prefix "
                + $"(--prefix or ${CliGlobalOptions.PrefixVariable}); write channel:{text} for a Pub/Sub channel."),
        };
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private static Destination Parse(Func<Destination> parse, string text)
    {
        try
        {
            return parse();
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // An ArgumentException appends "(Parameter 'name')": noise for someone who typed a name, not a parameter.
            var reason = exception is ArgumentException { ParamName: { } parameter }
                ? exception.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal)
                : exception.Message;
            throw new CliUsageException($"'{text}' is not a destination: {reason}", exception);
        }
    }
}
