namespace Herald.Cli.Commands.Stats;

/// <summary>A series in one line of block characters (<c>▁▂▃▅▇█</c>), scaled to its own largest value.</summary>
internal static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>
    /// Draws <paramref name="values"/> in at most <paramref name="width"/> characters: longer series are summed
    /// in equal runs, so a day of minutes still fits a line. A value of zero is the lowest block, so a quiet
    /// minute shows as a floor rather than a gap; any traffic at all is at least the second block.
    /// </summary>
    public static string Draw(IReadOnlyList<long> values, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var buckets = Bucket(values, width);
        var max = buckets.Count == 0 ? 0 : buckets.Max();
        if (max <= 0)
        {
            return new string(Blocks[0], buckets.Count);
        }

        return string.Concat(buckets.Select(value => value <= 0
            ? Blocks[0]
            : Blocks[1 + (int)Math.Round((Blocks.Length - 2) * (double)value / max)]));
    }

    private static List<long> Bucket(IReadOnlyList<long> values, int width)
    {
        if (values.Count <= width)
        {
            return [.. values];
        }

        // The last bucket is the newest: runs are counted back from the end, so the current minute stays on its own edge.
        var run = (int)Math.Ceiling(values.Count / (double)width);
        var buckets = new List<long>();
        for (var end = values.Count; end > 0; end -= run)
        {
            var start = Math.Max(0, end - run);
            long sum = 0;
            for (var i = start; i < end; i++)
            {
                sum += values[i];
            }

            buckets.Insert(0, sum);
        }

        return buckets;
    }
}
