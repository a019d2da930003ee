namespace Herald.Redis.Commands;

/// <summary>Builds the argument arrays of commands whose length depends on the call, sized exactly once.</summary>
internal static class CommandArgs
{
    /// <summary><paramref name="head"/> followed by <paramref name="tail"/>; the tail must not be empty (Redis rejects such commands).</summary>
    public static RedisArg[] Concat(ReadOnlySpan<RedisArg> head, ReadOnlySpan<string> tail, string parameterName) =>
        Concat(head, tail, parameterName, 0, out _);

    /// <summary><paramref name="head"/>, <paramref name="tail"/>, then <paramref name="trailing"/> (a blocking timeout).</summary>
    public static RedisArg[] Concat(ReadOnlySpan<RedisArg> head, ReadOnlySpan<string> tail, string parameterName, RedisArg trailing)
    {
        var args = Concat(head, tail, parameterName, 1, out var next);
        args[next] = trailing;
        return args;
    }

    /// <summary><paramref name="head"/> followed by <paramref name="tail"/> and room for <paramref name="spare"/> more arguments, which start at <paramref name="next"/>.</summary>
    public static RedisArg[] Concat(ReadOnlySpan<RedisArg> head, ReadOnlySpan<string> tail, string parameterName, int spare, out int next)
    {
        if (tail.IsEmpty)
        {
            throw new ArgumentException("At least one item is required.", parameterName);
        }

        var args = new RedisArg[head.Length + tail.Length + spare];
        head.CopyTo(args);
        for (var i = 0; i < tail.Length; i++)
        {
            args[head.Length + i] = tail[i];
        }

        next = head.Length + tail.Length;
        return args;
    }

    /// <summary><paramref name="head"/> followed by <paramref name="tail"/>; the tail must not be empty.</summary>
    public static RedisArg[] Concat(ReadOnlySpan<RedisArg> head, ReadOnlySpan<RedisArg> tail, string parameterName)
    {
        if (tail.IsEmpty)
        {
            throw new ArgumentException("At least one item is required.", parameterName);
        }

        var args = new RedisArg[head.Length + tail.Length];
        head.CopyTo(args);
        tail.CopyTo(args.AsSpan(head.Length));
        return args;
    }

    /// <summary><paramref name="head"/> followed by each pair's key and value; there must be at least one pair.</summary>
    public static RedisArg[] Pairs(ReadOnlySpan<RedisArg> head, ReadOnlySpan<KeyValuePair<string, RedisArg>> pairs, string parameterName)
    {
        if (pairs.IsEmpty)
        {
            throw new ArgumentException("At least one pair is required.", parameterName);
        }

        var args = new RedisArg[head.Length + (pairs.Length * 2)];
        head.CopyTo(args);
        var n = head.Length;
        foreach (var (key, value) in pairs)
        {
            args[n++] = key;
            args[n++] = value;
        }

        return args;
    }
}
