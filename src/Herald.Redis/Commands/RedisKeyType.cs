namespace Herald.Redis.Commands;

/// <summary>The type of value a key holds, as <c>TYPE</c> reports it.</summary>
public enum RedisKeyType
{
    /// <summary><c>none</c>: the key does not exist.</summary>
    None,

    /// <summary><c>string</c>.</summary>
    String,

    /// <summary><c>list</c>.</summary>
    List,

    /// <summary><c>set</c>.</summary>
    Set,

    /// <summary><c>zset</c>.</summary>
    SortedSet,

    /// <summary><c>hash</c>.</summary>
    Hash,

    /// <summary><c>stream</c>.</summary>
    Stream,

    /// <summary>A type this client does not know (a module's type).</summary>
    Unknown,
}

/// <summary>When <c>EXPIRE</c>/<c>PEXPIRE</c> applies (Redis 7.0+ for anything but <see cref="Always"/>).</summary>
public enum ExpireCondition
{
    /// <summary>Always.</summary>
    Always,

    /// <summary><c>NX</c>: only when the key has no expiry.</summary>
    HasNoExpiry,

    /// <summary><c>XX</c>: only when the key has an expiry.</summary>
    HasExpiry,

    /// <summary><c>GT</c>: only when the new expiry is later than the current one.</summary>
    GreaterThan,

    /// <summary><c>LT</c>: only when the new expiry is earlier than the current one.</summary>
    LessThan,
}

/// <summary>The options of <c>SCAN</c>.</summary>
public readonly record struct KeyScanOptions
{
    /// <summary><c>MATCH pattern</c>: a glob over key names. Default all keys.</summary>
    public string? Pattern { get; init; }

    /// <summary><c>COUNT n</c>: how much work one round trip does (a hint, not a page size). Default the server's (10).</summary>
    public int? PageSize { get; init; }

    /// <summary><c>TYPE t</c>: only keys of this type. Default all types.</summary>
    public RedisKeyType? Type { get; init; }
}

/// <summary>Conversions between <see cref="RedisKeyType"/> and the server's names.</summary>
internal static class RedisKeyTypes
{
    public static RespReplyParser<RedisKeyType> Parser { get; } = static reply =>
        reply.Is("none"u8) ? RedisKeyType.None
        : reply.Is("string"u8) ? RedisKeyType.String
        : reply.Is("list"u8) ? RedisKeyType.List
        : reply.Is("set"u8) ? RedisKeyType.Set
        : reply.Is("zset"u8) ? RedisKeyType.SortedSet
        : reply.Is("hash"u8) ? RedisKeyType.Hash
        : reply.Is("stream"u8) ? RedisKeyType.Stream
        : RedisKeyType.Unknown;

    public static string ToToken(RedisKeyType type) => type switch
    {
        RedisKeyType.String => "string",
        RedisKeyType.List => "list",
        RedisKeyType.Set => "set",
        RedisKeyType.SortedSet => "zset",
        RedisKeyType.Hash => "hash",
        RedisKeyType.Stream => "stream",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only a concrete type can filter a scan."),
    };
}
