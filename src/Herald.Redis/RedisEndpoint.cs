using System.Globalization;

namespace Herald.Redis;

/// <summary>A host and port.</summary>
/// <param name="Host">A DNS name or IP address.</param>
/// <param name="Port">The TCP port.</param>
public sealed record RedisEndpoint(string Host, int Port)
{
    /// <summary>Parses <c>host:port</c>, <c>[ipv6]:port</c> or a bare host (then <paramref name="defaultPort"/>).</summary>
    public static RedisEndpoint Parse(string text, int defaultPort = 6379)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{text}' has an unclosed IPv6 bracket.");
            }

            host = text[1..close];
            if (close + 1 < text.Length)
            {
                port = text[(close + 1)..].TrimStart(':');
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException($"'{text}' names no host.");
        }

        var number = defaultPort;
        if (!string.IsNullOrEmpty(port) && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            throw new FormatException($"'{port}' is not a TCP port.");
        }

        return new RedisEndpoint(host, number);
    }

    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
