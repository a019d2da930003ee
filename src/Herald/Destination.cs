using Herald.Keys;

namespace Herald;

/// <summary>Which Redis pattern carries a destination.</summary>
public enum DestinationKind
{
    /// <summary>A Pub/Sub channel: fan-out to whoever listens now, at most once.</summary>
    Channel,

    /// <summary>A Pub/Sub pattern (consume only): every channel matching a glob.</summary>
    Pattern,

    /// <summary>A stream with consumer groups: persistent, acknowledged, at least once, replayable.</summary>
    Stream,

    /// <summary>A reliable list queue: each message to one consumer, acknowledged, at least once.</summary>
    Queue,
}

/// <summary>
/// Where messages go: a kind and a name. Names follow the hierarchical <c>app:module:entity:action</c>
/// convention (see <see cref="DestinationNames"/>). Parse and print as <c>kind:name</c>, e.g. <c>stream:orders</c>.
/// </summary>
/// <param name="Kind">The Redis pattern.</param>
/// <param name="Name">The name.</param>
public readonly record struct Destination(DestinationKind Kind, string Name)
{
    /// <summary>A Pub/Sub channel.</summary>
    public static Destination Channel(string name) => new(DestinationKind.Channel, Check(name));

    /// <summary>A Pub/Sub pattern such as <c>shop:events:*</c>.</summary>
    public static Destination Pattern(string pattern) => new(DestinationKind.Pattern, Check(pattern));

    /// <summary>A stream.</summary>
    public static Destination Stream(string name)
    {
        KeySchema.ValidateName(name);
        return new(DestinationKind.Stream, name);
    }

    /// <summary>A reliable queue.</summary>
    public static Destination Queue(string name)
    {
        KeySchema.ValidateName(name);
        return new(DestinationKind.Queue, name);
    }

    /// <summary>Parses <c>channel:x</c>, <c>pattern:x*</c>, <c>stream:x</c> or <c>queue:x</c>.</summary>
    /// <exception cref="FormatException">The text has no known kind prefix.</exception>
    public static Destination Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? string.Empty : text[..colon].ToLowerInvariant();
        var name = colon < 0 ? text : text[(colon + 1)..];
        return kind switch
        {
            "channel" => Channel(name),
            "pattern" => Pattern(name),
            "stream" => Stream(name),
            "queue" => Queue(name),
            _ => throw new FormatException($"'{text}' does not start with channel:, pattern:, stream: or queue:."),
        };
    }

    /// <summary>
    /// Parses text as <see cref="Parse"/> does, returning false instead of throwing when it is not a destination:
    /// for text read back from Redis, where anything may have written it.
    /// </summary>
    public static bool TryParse(string? text, out Destination destination)
    {
        destination = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            destination = Parse(text);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{KindName(Kind)}:{Name}";

    /// <summary>The lower-case name of a kind, as in <c>stream:orders</c>; constant strings, so naming allocates nothing.</summary>
    internal static string KindName(DestinationKind kind) => kind switch
    {
        DestinationKind.Channel => "channel",
        DestinationKind.Pattern => "pattern",
        DestinationKind.Stream => "stream",
        _ => "queue",
    };

    private static string Check(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}

/// <summary>Builds names in the hierarchical <c>app:module:entity:action</c> convention.</summary>
public static class DestinationNames
{
    /// <summary>Joins segments with <c>:</c>; each must be non-empty lowercase letters, digits, <c>_</c> or <c>-</c>.</summary>
    /// <example><c>DestinationNames.Compose("shop", "orders", "order", "placed")</c> → <c>shop:orders:order:placed</c>.</example>
    public static string Compose(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException("A name needs at least one segment.", nameof(segments));
        }

        foreach (var segment in segments)
        {
            if (string.IsNullOrEmpty(segment) || !segment.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
            {
                throw new ArgumentException($"'{segment}' is not a name segment: use lowercase letters, digits, '_' or '-'.", nameof(segments));
            }
        }

        return string.Join(':', segments);
    }

    /// <summary>A pattern matching every name under <paramref name="segments"/>: <c>shop:events:*</c>.</summary>
    public static string Under(params string[] segments) => Compose(segments) + ":*";
}
