using System.Globalization;
using System.Text;

namespace Herald.Prometheus;

/// <summary>
/// The Prometheus text exposition format 0.0.4: names sanitised to <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> with
/// unit and <c>_total</c> suffixes as the OpenTelemetry-to-Prometheus conventions ask, escaped help and
/// label values, and cumulative histogram buckets ending with <c>le="+Inf"</c>.
/// </summary>
internal static class PrometheusText
{
    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["min"] = "minutes",
        ["h"] = "hours",
        ["d"] = "days",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["%"] = "percent",
    };

    // The unit after a slash reads in the singular: bytes per second.
    private static readonly Dictionary<string, string> s_perUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>Writes the families in order.</summary>
    public static void Write(StringBuilder output, IEnumerable<MetricSnapshot> families)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var family in families)
        {
            if (family.Series.Count == 0)
            {
                continue;
            }

            output.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            output.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Kind)).Append('\n');
            foreach (var series in family.Series)
            {
                if (family.Kind == MetricKind.Histogram)
                {
                    WriteHistogram(output, family.Name, series);
                }
                else
                {
                    WriteSample(output, family.Name, series.Labels, null, FormatValue(series.Value));
                }
            }
        }
    }

    /// <summary>The exposition name of an instrument: sanitised, with its unit and (for counters) <c>_total</c>.</summary>
    public static string MetricName(string instrument, string? unit, MetricKind kind)
    {
        var name = SanitizeMetricName(instrument);
        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>Dots and every other character outside <c>[a-zA-Z0-9_:]</c> become one underscore; a leading digit gets one too.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names allow no colon: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.AsSpan().IndexOfAny("\\\"\n") < 0 ? value : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Help text escapes backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value as Go's ParseFloat reads it: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static void WriteHistogram(StringBuilder output, string name, SeriesSnapshot series)
    {
        var bounds = series.Bounds ?? [];
        var counts = series.BucketCounts ?? [];
        var cumulative = 0L;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += i < counts.Count ? counts[i] : 0;
            WriteSample(output, name + "_bucket", series.Labels, FormatValue(bounds[i]), cumulative.ToString(CultureInfo.InvariantCulture));
        }

        // +Inf counts everything, so it equals _count even if an observation raced the copy of the buckets.
        WriteSample(output, name + "_bucket", series.Labels, "+Inf", series.Count.ToString(CultureInfo.InvariantCulture));
        WriteSample(output, name + "_sum", series.Labels, null, FormatValue(series.Sum));
        WriteSample(output, name + "_count", series.Labels, null, series.Count.ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteSample(StringBuilder output, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, string value)
    {
        output.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            output.Append('{');
            var first = true;
            foreach (var (label, text) in labels)
            {
                if (!first)
                {
                    output.Append(',');
                }

                output.Append(label).Append("=\"").Append(EscapeLabelValue(text)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                output.Append(first ? string.Empty : ",").Append("le=\"").Append(le).Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(value).Append('\n');
    }

    private static string TypeName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    // OpenTelemetry's Prometheus compatibility rules: annotations in braces carry no unit, "1" is a ratio
    // for gauges, "a/b" reads "a_per_b", known units are spelled out.
    private static string UnitSuffix(string? unit, MetricKind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        var bare = StripAnnotations(unit);
        if (bare.Length == 0)
        {
            return string.Empty;
        }

        if (bare == "1")
        {
            return kind == MetricKind.Gauge ? "ratio" : string.Empty;
        }

        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var per = bare[(slash + 1)..];
            return Sanitize(Spell(bare[..slash]) + "_per_" + (s_perUnits.TryGetValue(per, out var singular) ? singular : per), allowColon: false);
        }

        return Sanitize(Spell(bare), allowColon: false);

        static string Spell(string unit) => s_units.TryGetValue(unit, out var spelled) ? spelled : unit;
    }

    private static string StripAnnotations(string unit)
    {
        var text = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                text.Append(c);
            }
        }

        return text.ToString().Trim();
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            if (valid)
            {
                text.Append(c);
            }
            else if (text.Length == 0 || text[^1] != '_')
            {
                text.Append('_');
            }
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }
}
