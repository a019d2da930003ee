using System.Globalization;

namespace Herald.Cli.Commands.Info;

/// <summary>
/// Parses the text of an <c>INFO</c> reply: <c># Section</c> headers followed by <c>field:value</c> lines.
/// Section names are lower-cased, as the <c>INFO</c> command takes them.
/// </summary>
internal static class InfoText
{
    public static Dictionary<string, Dictionary<string, string>> Parse(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var name = line[1..].Trim().ToLowerInvariant();
                current = sections.TryGetValue(name, out var existing) ? existing : sections[name] = new(StringComparer.Ordinal);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            current ??= sections["default"] = new(StringComparer.Ordinal);
            current[line[..colon]] = line[(colon + 1)..];
        }

        return sections;
    }

    /// <summary>Splits a keyspace value such as <c>keys=3,expires=1,avg_ttl=0</c> into its numbers.</summary>
    public static Dictionary<string, long> ParseCounters(string value)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && long.TryParse(part.AsSpan(equals + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                counters[part[..equals]] = number;
            }
        }

        return counters;
    }
}
