namespace Herald.Redis.Commands;

/// <summary>A member of a sorted set and its score.</summary>
/// <param name="Member">The member.</param>
/// <param name="Score">The score.</param>
public readonly record struct SortedSetEntry(string Member, double Score);

/// <summary>What <c>BZPOPMIN</c> popped: the key it came from and the entry.</summary>
/// <param name="Key">The sorted set the entry was popped from.</param>
/// <param name="Entry">The member and its score.</param>
public sealed record SortedSetPopResult(string Key, SortedSetEntry Entry);

/// <summary>The flags of <c>ZADD</c>. Redis rejects contradictory combinations (NX with XX, GT or LT).</summary>
[Flags]
public enum SortedSetAddFlags
{
    /// <summary>Add new members and update existing ones.</summary>
    None = 0,

    /// <summary><c>NX</c>: only add new members.</summary>
    NotExists = 1,

    /// <summary><c>XX</c>: only update existing members.</summary>
    Exists = 2,

    /// <summary><c>GT</c>: update only when the new score is greater.</summary>
    GreaterThan = 4,

    /// <summary><c>LT</c>: update only when the new score is less.</summary>
    LessThan = 8,

    /// <summary><c>CH</c>: count changed members, not only added ones.</summary>
    Changed = 16,
}
