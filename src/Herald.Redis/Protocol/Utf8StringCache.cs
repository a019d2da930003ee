using System.Collections.Concurrent;
using System.Text;

namespace Herald.Redis.Protocol;

/// <summary>
/// Decodes short UTF-8 texts that repeat (stream field names, message types, content types) to one shared
/// string each, so that reading the same name from thousands of replies allocates it once. Thread-safe.
/// Bounded: long texts, and new texts once the cache is full, are decoded as usual and not kept, so
/// unique values (ids) cannot grow it without limit; they only cost a lookup.
/// </summary>
public sealed class Utf8StringCache
{
    private const int MaxTextBytes = 64;
    private const int RecentSlots = 256;
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;

    // Texts seen at least twice, by their bytes: a hit costs a byte comparison, where the dictionary costs
    // decoding to UTF-16, hashing and a lookup (a stream entry's field names come by the half-dozen per entry).
    private readonly Recent?[] _recent = new Recent?[RecentSlots];
    private int _count;

    /// <summary>Creates a cache that keeps at most <paramref name="capacity"/> strings.</summary>
    public Utf8StringCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A cache shared by the client's reply readers (stream field names).</summary>
    public static Utf8StringCache Shared { get; } = new(1024);

    /// <summary>The text of <paramref name="utf8"/>, the same instance each time the same short text is seen.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxTextBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var slot = Slot(utf8);
        if (Volatile.Read(ref _recent[slot]) is { } recent && utf8.SequenceEqual(recent.Utf8))
        {
            return recent.Text;
        }

        // UTF-8 never takes fewer bytes than the UTF-16 chars it decodes to (invalid bytes become one U+FFFD each).
        Span<char> chars = stackalloc char[MaxTextBytes];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        var text = chars[..length];
        if (_lookup.TryGetValue(text, out var cached))
        {
            Volatile.Write(ref _recent[slot], new Recent(utf8.ToArray(), cached));
            return cached;
        }

        var created = new string(text);
        if (Volatile.Read(ref _count) < _capacity && _strings.TryAdd(created, created))
        {
            Interlocked.Increment(ref _count);
        }

        return created;
    }

    private static int Slot(ReadOnlySpan<byte> utf8) => utf8.IsEmpty
        ? 0
        : (int)((((uint)utf8.Length * 31) + utf8[0] + ((uint)utf8[^1] << 3) + ((uint)utf8[utf8.Length / 2] << 5)) % RecentSlots);

    private sealed record Recent(byte[] Utf8, string Text);
}
