using System.Globalization;
using Herald.Redis.Protocol;

namespace Herald.Redis.Commands;

/// <summary>The reply shapes of the server commands.</summary>
internal static class ServerReplies
{
    /// <summary>INFO text: <c># Section</c> headings, then <c>name:value</c> lines (a verbatim string on RESP3).</summary>
    public static RespReplyParser<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Info { get; } = static reply =>
    {
        var sections = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string>? current = null;
        foreach (var range in Lines(reply, out var text))
        {
            var line = text.AsSpan(range);
            if (line.StartsWith('#'))
            {
                current = new(StringComparer.Ordinal);
                sections[line[1..].Trim().ToString()] = current;
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                if (current is null)
                {
                    current = new(StringComparer.Ordinal);
                    sections[string.Empty] = current;
                }

                current[line[..colon].ToString()] = line[(colon + 1)..].ToString();
            }
        }

        return sections;
    };

    /// <summary>CLIENT LIST: one line per connection of space-separated <c>name=value</c> fields.</summary>
    public static RespReplyParser<IReadOnlyList<ClientInfo>> ClientList { get; } = static reply =>
    {
        var clients = new List<ClientInfo>();
        foreach (var range in Lines(reply, out var text))
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var part in text[range].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    fields[part[..equals]] = part[(equals + 1)..];
                }
            }

            clients.Add(new(
                Number(fields, "id"),
                fields.GetValueOrDefault("addr", string.Empty),
                fields.GetValueOrDefault("name", string.Empty),
                TimeSpan.FromSeconds(Number(fields, "age")),
                TimeSpan.FromSeconds(Number(fields, "idle")),
                (int)Number(fields, "db"),
                fields.GetValueOrDefault("cmd", string.Empty),
                fields));
        }

        return clients;
    };

    /// <summary>TIME: [unix seconds, microseconds] as text.</summary>
    public static RespReplyParser<DateTimeOffset> Time { get; } = static reply =>
        DateTimeOffset.UnixEpoch.AddSeconds(reply[0].AsInt64()).AddTicks(reply[1].AsInt64() * (TimeSpan.TicksPerMillisecond / 1000));

    /// <summary>ROLE: an array whose first item names the role and decides the rest.</summary>
    public static RespReplyParser<ServerRole> Role { get; } = static reply =>
    {
        var role = RedisReplies.RequireString(reply[0]);
        return role switch
        {
            "master" => new(
                role,
                reply[1].AsInt64(),
                RedisReplies.ToList(reply[2], static replica => new KeyValuePair<string, long>(
                    $"{replica[0].AsString()}:{replica[1].AsString()}", replica[2].AsInt64())),
                null,
                null,
                []),
            "slave" => new(role, reply[4].AsInt64(), [], $"{reply[1].AsString()}:{reply[2].AsString()}", reply[3].AsString(), []),
            _ => new(role, null, [], null, null, reply.Count > 1 ? RedisReplies.ToStringList(reply[1]) : []),
        };
    };

    /// <summary>The server's name of a client type.</summary>
    public static string ToToken(ClientType type) => type switch
    {
        ClientType.Normal => "normal",
        ClientType.Primary => "master",
        ClientType.Replica => "replica",
        ClientType.PubSub => "pubsub",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static long Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    // The non-empty lines of a text reply, as ranges over the decoded text (CRLF or LF endings).
    private static List<Range> Lines(RespValue reply, out string text)
    {
        text = reply.AsString() ?? string.Empty;
        var lines = new List<Range>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            var stop = end > start && text[end - 1] == '\r' ? end - 1 : end;
            if (stop > start)
            {
                lines.Add(start..stop);
            }

            start = end + 1;
        }

        return lines;
    }
}
