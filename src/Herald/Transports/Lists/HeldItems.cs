namespace Herald.Transports.Lists;

/// <summary>
/// The items a consumer took into its processing list and has not finished, counted by their bytes.
/// Shared by every receiver of one processing list in this process (a stalled receiver and its
/// replacement), so the list is handed back only when the last of them goes, and so that items Redis
/// moved while the reply was lost (a broken connection during a take) can be told apart from the
/// ones being handled: what the list holds beyond this count is orphaned and is delivered again.
/// </summary>
internal sealed class HeldItems
{
    private readonly Dictionary<ReadOnlyMemory<byte>, int> _counts = new(ByteContent.Comparer);
    private readonly Lock _lock = new();
    private volatile bool _mayHaveOrphans;

    /// <summary>Receivers using this processing list.</summary>
    public int Receivers { get; set; }

    /// <summary>True when a take or an outcome failed in a way that may leave items nobody handles.</summary>
    public bool MayHaveOrphans => _mayHaveOrphans;

    public void SuspectOrphans() => _mayHaveOrphans = true;

    public void ClearSuspicion() => _mayHaveOrphans = false;

    public void Add(ReadOnlyMemory<byte> item)
    {
        lock (_lock)
        {
            _counts[item] = _counts.GetValueOrDefault(item) + 1;
        }
    }

    public void Remove(ReadOnlyMemory<byte> item)
    {
        lock (_lock)
        {
            if (_counts.TryGetValue(item, out var count))
            {
                if (count <= 1)
                {
                    _counts.Remove(item);
                }
                else
                {
                    _counts[item] = count - 1;
                }
            }
        }
    }

    /// <summary>The items of <paramref name="processing"/> beyond those held: nobody is handling them.</summary>
    public List<ReadOnlyMemory<byte>> Orphans(IReadOnlyList<ReadOnlyMemory<byte>> processing)
    {
        var seen = new Dictionary<ReadOnlyMemory<byte>, int>(ByteContent.Comparer);
        var orphans = new List<ReadOnlyMemory<byte>>();
        lock (_lock)
        {
            foreach (var item in processing)
            {
                var occurrence = seen[item] = seen.GetValueOrDefault(item) + 1;
                if (occurrence > _counts.GetValueOrDefault(item))
                {
                    orphans.Add(item);
                }
            }
        }

        return orphans;
    }

    private sealed class ByteContent : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static ByteContent Comparer { get; } = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> obj)
        {
            var hash = default(HashCode);
            hash.AddBytes(obj.Span);
            return hash.ToHashCode();
        }
    }
}
