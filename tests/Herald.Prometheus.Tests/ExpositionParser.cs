using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Herald.Prometheus.Tests;

/// <summary>One sample line: metric name, labels and value.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A parsed exposition: family types by name and the samples in order.</summary>
public sealed record Exposition(IReadOnlyDictionary<string, string> Families, IReadOnlyList<Sample> All)
{
    public IReadOnlyList<Sample> Samples(string name) => [.. All.Where(s => s.Name == name)];
}

/// <summary>
/// A strict reader of the text exposition format 0.0.4, written from the format's description rather
/// than from the code under test: every line must be a valid HELP, TYPE or sample line; a family's
/// HELP and TYPE come once, before its samples, and its samples are contiguous; sample names fit the
/// family's type; no series repeats; histogram buckets ascend, are cumulative and end at +Inf = _count.
/// Any breach throws <see cref="FormatException"/> naming the line.
/// </summary>
public static partial class ExpositionParser
{
    private static readonly HashSet<string> s_types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static Exposition Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("The exposition must end with a line feed.");
        }

        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        string? current = null;
        var lines = text.Split('\n');
        for (var number = 1; number < lines.Length; number++)
        {
            var line = lines[number - 1];
            if (line.Contains('\r', StringComparison.Ordinal))
            {
                throw Fail(number, line, "carriage return");
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var match = HelpLine().Match(line);
                if (!match.Success || !helps.Add(match.Groups["name"].Value))
                {
                    throw Fail(number, line, "bad or repeated HELP");
                }

                Enter(match.Groups["name"].Value, number, line);
                if (families.ContainsKey(current!))
                {
                    throw Fail(number, line, "HELP after TYPE or samples");
                }

                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var match = TypeLine().Match(line);
                if (!match.Success || !s_types.Contains(match.Groups["type"].Value) || families.ContainsKey(match.Groups["name"].Value))
                {
                    throw Fail(number, line, "bad or repeated TYPE");
                }

                Enter(match.Groups["name"].Value, number, line);
                families[current!] = match.Groups["type"].Value;
                continue;
            }

            if (line.StartsWith('#'))
            {
                throw Fail(number, line, "comments other than HELP and TYPE are not written by Herald");
            }

            var sample = ParseSample(line, number);
            var family = FamilyOf(sample.Name, families);
            if (family is null || family != current)
            {
                throw Fail(number, line, "sample outside its family's block, or before its TYPE");
            }

            var key = sample.Name + "{" + string.Join(',', sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seen.Add(key))
            {
                throw Fail(number, line, "repeated series");
            }

            samples.Add(sample);
        }

        foreach (var (name, type) in families.Where(f => f.Value == "histogram"))
        {
            CheckHistogram(name, samples);
        }

        return new Exposition(families, samples);

        void Enter(string name, int number, string line)
        {
            if (name != current)
            {
                if (current is not null)
                {
                    finished.Add(current);
                }

                if (finished.Contains(name))
                {
                    throw Fail(number, line, "family split in two blocks");
                }

                current = name;
            }
        }
    }

    private static string? FamilyOf(string sampleName, Dictionary<string, string> families)
    {
        if (families.TryGetValue(sampleName, out var type) && type is "counter" or "gauge" or "untyped")
        {
            return sampleName;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var parent) && parent == "histogram")
            {
                return sampleName[..^suffix.Length];
            }
        }

        return null;
    }

    private static void CheckHistogram(string name, List<Sample> samples)
    {
        foreach (var series in samples.Where(s => s.Name == name + "_bucket").GroupBy(s => Identity(s, "le")))
        {
            var buckets = series.ToList();
            var bounds = buckets.Select(b => b.Labels.TryGetValue("le", out var le) ? ParseValue(le) : throw new FormatException($"{name}: bucket without le")).ToList();
            if (!double.IsPositiveInfinity(bounds[^1]))
            {
                throw new FormatException($"{name}{{{series.Key}}}: the last bucket is not le=\"+Inf\"");
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (!(bounds[i] > bounds[i - 1]) || buckets[i].Value < buckets[i - 1].Value)
                {
                    throw new FormatException($"{name}{{{series.Key}}}: buckets must ascend by le and be cumulative");
                }
            }

            var count = samples.SingleOrDefault(s => s.Name == name + "_count" && Identity(s, null) == series.Key)
                ?? throw new FormatException($"{name}{{{series.Key}}}: no _count");
            _ = samples.SingleOrDefault(s => s.Name == name + "_sum" && Identity(s, null) == series.Key)
                ?? throw new FormatException($"{name}{{{series.Key}}}: no _sum");
            if (count.Value != buckets[^1].Value)
            {
                throw new FormatException($"{name}{{{series.Key}}}: +Inf bucket {buckets[^1].Value} differs from _count {count.Value}");
            }
        }
    }

    private static string Identity(Sample sample, string? without) =>
        string.Join(',', sample.Labels.Where(l => l.Key != without).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

    private static Sample ParseSample(string line, int number)
    {
        var name = MetricName().Match(line);
        if (!name.Success)
        {
            throw Fail(number, line, "no metric name");
        }

        var position = name.Length;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var label = LabelName().Match(line, position);
                if (!label.Success || label.Index != position)
                {
                    throw Fail(number, line, "bad label name");
                }

                position += label.Length;
                if (!line.AsSpan(position).StartsWith("=\""))
                {
                    throw Fail(number, line, "label without =\"");
                }

                position += 2;
                var value = new StringBuilder();
                while (line[position] != '"')
                {
                    if (line[position] == '\\')
                    {
                        position++;
                        value.Append(line[position] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw Fail(number, line, "unknown escape in a label value"),
                        });
                    }
                    else
                    {
                        value.Append(line[position]);
                    }

                    position++;
                }

                position++;
                if (!labels.TryAdd(label.Value, value.ToString()))
                {
                    throw Fail(number, line, "repeated label");
                }

                if (line[position] == ',')
                {
                    position++;
                }
                else if (line[position] != '}')
                {
                    throw Fail(number, line, "labels must be separated by commas");
                }
            }

            position++;
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw Fail(number, line, "a single space must separate the series from its value");
        }

        var rest = line[(position + 1)..];
        if (rest.Contains(' ', StringComparison.Ordinal))
        {
            throw Fail(number, line, "Herald writes no timestamps");
        }

        return new Sample(name.Value, labels, ParseValue(rest));
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatText().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"'{text}' is not a sample value"),
    };

    private static FormatException Fail(int number, string line, string why) => new($"line {number}: {why}: {line}");

    [GeneratedRegex(@"^# HELP (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<help>([^\\\n]|\\\\|\\n)*)$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>[a-z]+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();

    [GeneratedRegex("[a-zA-Z_][a-zA-Z0-9_]*")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatText();
}
