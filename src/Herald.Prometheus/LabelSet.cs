namespace Herald.Prometheus;

/// <summary>
/// The labels of one series, sorted by name, compared by content: a measurement's tags in any order
/// find the same series.
/// </summary>
internal sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly int _hash;

    public LabelSet(KeyValuePair<string, string>[] labels)
    {
        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        Labels = labels;
        var hash = default(HashCode);
        foreach (var (name, value) in labels)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public KeyValuePair<string, string>[] Labels { get; }

    public bool Equals(LabelSet? other)
    {
        if (other is null || other._hash != _hash || other.Labels.Length != Labels.Length)
        {
            return false;
        }

        for (var i = 0; i < Labels.Length; i++)
        {
            if (!string.Equals(Labels[i].Key, other.Labels[i].Key, StringComparison.Ordinal) || !string.Equals(Labels[i].Value, other.Labels[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => _hash;

    /// <summary>For ordering series in the exposition, so that scrapes read the same way each time.</summary>
    public override string ToString() => string.Join(',', Labels.Select(static l => $"{l.Key}={l.Value}"));
}
