using System.Globalization;
using Herald.Redis.Protocol;

namespace Herald.Redis.Commands;

/// <summary>
/// The reply shapes the command helpers share, each read the same way on RESP2 and RESP3, and each
/// cached as one parser so that passing it allocates nothing.
/// </summary>
/// <remarks>
/// RESP3 turns several RESP2 flat arrays into maps; a map's items alternate key and value exactly as the
/// flat array does, so the pair readers here walk <see cref="RespValue.Items"/> two at a time and accept
/// both. Shape errors are <see cref="InvalidCastException"/>, which the client reports as a protocol error.
/// </remarks>
internal static class RedisReplies
{
    /// <summary>A list of strings; nil is the empty list.</summary>
    public static RespReplyParser<IReadOnlyList<string>> StringList { get; } = ToStringList;

    /// <summary>A list of strings in which nil items stay null (MGET, HMGET).</summary>
    public static RespReplyParser<IReadOnlyList<string?>> NullableStringList { get; } = static reply =>
    {
        var result = new string?[reply.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = reply[i].AsString();
        }

        return result;
    };

    /// <summary>A list of bulk strings as memory over the reply's own buffers; nil is the empty list.</summary>
    public static RespReplyParser<IReadOnlyList<ReadOnlyMemory<byte>>> BytesList { get; } = static reply =>
    {
        var result = new ReadOnlyMemory<byte>[reply.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = reply[i].Bytes;
        }

        return result;
    };

    /// <summary>A map (RESP3) or flat array of pairs (RESP2) of strings.</summary>
    public static RespReplyParser<IReadOnlyDictionary<string, string>> StringMap { get; } = static reply =>
        ToDictionary(reply, static value => value.AsString() ?? string.Empty);

    /// <summary>A map (RESP3) or flat array of pairs (RESP2) of integers.</summary>
    public static RespReplyParser<IReadOnlyDictionary<string, long>> Int64Map { get; } = static reply =>
        ToDictionary(reply, static value => value.AsInt64());

    /// <summary>Text that is never nil.</summary>
    public static RespReplyParser<string> RequiredString { get; } = RequireString;

    /// <summary>A reply that must be <c>OK</c>; anything else is a protocol error.</summary>
    public static RespReplyParser<bool> Ok { get; } = static reply =>
        reply.Is("OK"u8) ? true : throw new InvalidCastException($"Expected OK, got {reply}.");

    /// <summary>The value as text; nil is a shape error.</summary>
    public static string RequireString(RespValue value) =>
        value.AsString() ?? throw new InvalidCastException("Expected text, got nil.");

    /// <summary>Items of an array reply as strings; nil is the empty list.</summary>
    public static IReadOnlyList<string> ToStringList(RespValue reply) => ToList(reply, RequireString);

    /// <summary>
    /// Finds the value of <paramref name="key"/> in a reply of pairs (RESP3 map or RESP2 flat array);
    /// null when the key is absent, as fields added in later Redis versions are on older servers.
    /// </summary>
    public static RespValue? Find(RespValue pairs, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i + 1 < pairs.Count; i += 2)
        {
            if (pairs[i].Is(key))
            {
                return pairs[i + 1];
            }
        }

        return null;
    }

    /// <summary>The value of a field that every supported Redis version sends.</summary>
    public static RespValue Require(RespValue pairs, ReadOnlySpan<byte> key) =>
        Find(pairs, key) ?? throw new InvalidCastException($"The reply lacks '{System.Text.Encoding.ASCII.GetString(key)}'.");

    /// <summary>An integer field that may be absent (older server) or nil (unknown).</summary>
    public static long? FindInt64(RespValue pairs, ReadOnlySpan<byte> key) => Find(pairs, key)?.AsNullableInt64();

    /// <summary>A text field that may be absent or nil.</summary>
    public static string? FindString(RespValue pairs, ReadOnlySpan<byte> key) => Find(pairs, key)?.AsString();

    /// <summary>
    /// Calls <paramref name="read"/> for each item of a list of records (each a map or flat array of pairs).
    /// </summary>
    public static IReadOnlyList<T> ToList<T>(RespValue reply, Func<RespValue, T> read)
    {
        if (reply.Count == 0)
        {
            return [];
        }

        var result = new T[reply.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = read(reply[i]);
        }

        return result;
    }

    /// <summary>A map (RESP3) or flat array of pairs (RESP2) with text keys, each value read by <paramref name="read"/>.</summary>
    public static Dictionary<string, T> ToDictionary<T>(RespValue reply, Func<RespValue, T> read)
    {
        var result = new Dictionary<string, T>(reply.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < reply.Count; i += 2)
        {
            result[RequireString(reply[i])] = read(reply[i + 1]);
        }

        return result;
    }

    /// <summary>Milliseconds as a duration.</summary>
    public static TimeSpan Milliseconds(long value) => TimeSpan.FromMilliseconds(value);

    /// <summary>A duration as whole milliseconds for the wire, rounded up so that a short wait never becomes zero (which means forever to Redis).</summary>
    public static long ToMilliseconds(TimeSpan value, string parameterName)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A duration cannot be negative.");
        }

        return (long)Math.Ceiling(value.TotalMilliseconds);
    }

    /// <summary>A blocking timeout in seconds with decimals (BLMOVE, BZPOPMIN), at millisecond precision, rounded up.</summary>
    public static double ToSeconds(TimeSpan value, string parameterName) => ToMilliseconds(value, parameterName) / 1000.0;

    /// <summary>
    /// Marks <paramref name="command"/> blocking with its server-side wait as the deadline (the client adds its
    /// margin); a zero wait blocks without limit on the server, so the call has no deadline either.
    /// </summary>
    public static RedisCommand Blocking(in RedisCommand command, TimeSpan wait) =>
        command.With(RedisCommandFlags.Blocking).WithTimeout(wait == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : wait);

    /// <summary>Parses invariant integer text.</summary>
    public static long ParseInt64(string text) => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
