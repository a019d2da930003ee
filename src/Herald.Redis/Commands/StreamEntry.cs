using System.Text;

namespace Herald.Redis.Commands;

/// <summary>One stream entry: its id and its fields in the order they were added.</summary>
/// <remarks>Values are memory over the reply's own buffers: reading them copies nothing.</remarks>
public sealed class StreamEntry
{
    private static readonly KeyValuePair<string, ReadOnlyMemory<byte>>[] s_noFields = [];

    /// <summary>Creates an entry.</summary>
    public StreamEntry(string id, IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> fields)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(fields);
        Id = id;
        Fields = fields;
    }

    private StreamEntry(string id)
    {
        Id = id;
        Fields = s_noFields;
        IsDeleted = true;
    }

    /// <summary>The entry id, <c>ms-seq</c> (see <see cref="StreamId"/>).</summary>
    public string Id { get; }

    /// <summary>The field names and values.</summary>
    public IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> Fields { get; }

    /// <summary>
    /// True when the id is still pending in a group but the entry was deleted (<c>XDEL</c>, trimming): reading a
    /// group's history returns it without fields. Acknowledge it; there is nothing to process.
    /// </summary>
    public bool IsDeleted { get; }

    /// <summary>Finds the first field named <paramref name="name"/> (ordinal).</summary>
    public bool TryGetValue(string name, out ReadOnlyMemory<byte> value)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Key, name, StringComparison.Ordinal))
            {
                value = field.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The first field named <paramref name="name"/> decoded as UTF-8, or null when there is none.</summary>
    public string? GetString(string name) => TryGetValue(name, out var value) ? Encoding.UTF8.GetString(value.Span) : null;

    /// <inheritdoc />
    public override string ToString() => IsDeleted ? $"{Id} (deleted)" : $"{Id} ({Fields.Count} fields)";

    /// <summary>An entry whose id is pending but whose content is gone.</summary>
    internal static StreamEntry Deleted(string id) => new(id);
}

/// <summary>A stream and the id to read after: the pairs of <c>XREAD … STREAMS</c>.</summary>
/// <param name="Key">The stream's key.</param>
/// <param name="Id">Read entries after this id: a concrete id, <see cref="StreamId.Latest"/> (XREAD) or <see cref="StreamId.Undelivered"/> (XREADGROUP).</param>
public readonly record struct StreamPosition(string Key, string Id);

/// <summary>The entries read from one stream.</summary>
/// <param name="Key">The stream's key.</param>
/// <param name="Entries">The entries, oldest first.</param>
public sealed record StreamReadResult(string Key, IReadOnlyList<StreamEntry> Entries);
