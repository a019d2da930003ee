namespace Herald.Redis.Commands;

/// <summary>When a write applies, by whether the key already exists.</summary>
public enum SetCondition
{
    /// <summary>Always (no flag).</summary>
    Always,

    /// <summary><c>NX</c>: only when the key does not exist.</summary>
    NotExists,

    /// <summary><c>XX</c>: only when the key already exists.</summary>
    Exists,
}

/// <summary>The options of <c>SET</c>. The default sets unconditionally and clears any time to live.</summary>
public readonly record struct StringSetOptions
{
    /// <summary>Time to live: sent as <c>EX</c> when it is whole seconds, else <c>PX</c>. Default none.</summary>
    public TimeSpan? Expiry { get; init; }

    /// <summary>Absolute expiry, sent as <c>PXAT</c>. Default none. Exclusive with <see cref="Expiry"/> and <see cref="KeepTtl"/>.</summary>
    public DateTimeOffset? ExpireAt { get; init; }

    /// <summary><c>KEEPTTL</c>: keep the key's current time to live. Default false.</summary>
    public bool KeepTtl { get; init; }

    /// <summary><c>NX</c>/<c>XX</c>. Default <see cref="SetCondition.Always"/>.</summary>
    public SetCondition Condition { get; init; }

    /// <summary>Number of arguments these options add.</summary>
    internal int ArgumentCount
    {
        get
        {
            Validate();
            return (Expiry.HasValue || ExpireAt.HasValue ? 2 : 0) + (KeepTtl ? 1 : 0) + (Condition == SetCondition.Always ? 0 : 1);
        }
    }

    /// <summary>Writes the options from <paramref name="index"/>; returns the next index.</summary>
    internal int WriteTo(RedisArg[] args, int index)
    {
        if (Expiry is { } expiry)
        {
            var milliseconds = RedisReplies.ToMilliseconds(expiry, nameof(Expiry));
            var wholeSeconds = milliseconds % 1000 == 0;
            args[index++] = wholeSeconds ? "EX" : "PX";
            args[index++] = wholeSeconds ? milliseconds / 1000 : milliseconds;
        }
        else if (ExpireAt is { } at)
        {
            args[index++] = "PXAT";
            args[index++] = at.ToUnixTimeMilliseconds();
        }

        if (KeepTtl)
        {
            args[index++] = "KEEPTTL";
        }

        if (Condition != SetCondition.Always)
        {
            args[index++] = Condition == SetCondition.NotExists ? "NX" : "XX";
        }

        return index;
    }

    private void Validate()
    {
        if ((Expiry.HasValue ? 1 : 0) + (ExpireAt.HasValue ? 1 : 0) + (KeepTtl ? 1 : 0) > 1)
        {
            throw new ArgumentException("Expiry, ExpireAt and KeepTtl exclude each other.");
        }

        if (Expiry is { } expiry && expiry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Expiry), expiry, "An expiry must be positive.");
        }
    }
}
