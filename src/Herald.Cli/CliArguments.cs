using System.CommandLine;
using System.Globalization;
using Herald.Keys;

namespace Herald.Cli;

/// <summary>Reads the values several commands share: destinations, durations and the key prefix.</summary>
internal static class CliArguments
{
    /// <summary>Parses <c>kind:name</c>; a bare name or unknown kind is a usage error that lists the kinds.</summary>
    /// <exception cref="CliUsageException">The text is not a destination of one of <paramref name="kinds"/>.</exception>
    public static Destination Destination(string text, params DestinationKind[] kinds)
    {
        var names = string.Join(", ", kinds.Select(static k => k.ToString().ToLowerInvariant() + ":<name>"));
        Destination destination;
        try
        {
            destination = Herald.Destination.Parse(text);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            throw new CliUsageException($"'{text}' is not a destination: write {names} (a bare name does not say which kind).", exception);
        }

        return kinds.Contains(destination.Kind)
            ? destination
            : throw new CliUsageException($"'{text}' cannot be used here: write {names}.");
    }

    /// <summary>
    /// A duration option: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, a plain number of seconds, or
    /// <c>hh:mm:ss</c>. A malformed or negative value is a parse error (exit code 2).
    /// </summary>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (TryParseDuration(text, out var value))
            {
                return value;
            }

            result.AddError($"{name} takes a duration such as 500ms, 10s, 5m, 2h or 1d; got '{text}'.");
            return null;
        },
    };

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        var units = new (string Suffix, double Milliseconds)[] { ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000) };
        foreach (var (suffix, milliseconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                value = TimeSpan.FromMilliseconds(amount * milliseconds);
                return true;
            }
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}
