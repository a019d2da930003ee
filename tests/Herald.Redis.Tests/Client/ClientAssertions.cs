using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Client;

/// <summary>Small probes the client tests share: a unique ECHO that proves the reply is the caller's own.</summary>
internal static class ClientAssertions
{
    /// <summary>Sends <paramref name="count"/> concurrent ECHOs of unique values and checks each gets its own.</summary>
    public static async Task EchoesOwnRepliesAsync(this IRedisExecutor redis, int count, string tag)
    {
        var calls = new Task<string?>[count];
        for (var i = 0; i < count; i++)
        {
            calls[i] = redis.ExecuteAsync(new RedisCommand("ECHO", $"{tag}:{i}"), RespParsers.String).AsTask();
        }

        var replies = await Task.WhenAll(calls);
        for (var i = 0; i < count; i++)
        {
            replies[i].Should().Be($"{tag}:{i}", "every caller gets its own reply");
        }
    }

    /// <summary>The reply to <c>CLIENT LIST</c>, one dictionary of fields per connection.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, string>>> ClientListAsync(this IRedisExecutor redis)
    {
        var text = await redis.ExecuteAsync(new RedisCommand("CLIENT", "LIST"), RespParsers.String) ?? string.Empty;
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseFields)];
    }

    /// <summary>One field of <c>INFO</c> as an integer.</summary>
    public static async Task<long> InfoFieldAsync(this IRedisExecutor redis, string section, string field)
    {
        var text = await redis.ExecuteAsync(new RedisCommand("INFO", section), RespParsers.String) ?? string.Empty;
        var line = text.Split('\n').Select(static l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"INFO {section} has no field {field}.");
        return long.Parse(line[(field.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> ParseFields(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return fields;
    }
}
