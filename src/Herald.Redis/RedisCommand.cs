using System.Buffers;

namespace Herald.Redis;

/// <summary>Properties of a command that change how it is sent.</summary>
[Flags]
public enum RedisCommandFlags
{
    /// <summary>An ordinary command.</summary>
    None = 0,

    /// <summary>The command may block on the server (<c>BLMOVE</c>, <c>XREADGROUP … BLOCK</c>); it runs only on a leased connection.</summary>
    Blocking = 1,

    /// <summary>The command only reads; in a cluster it may be served by a replica when allowed.</summary>
    ReadOnly = 2,
}

/// <summary>
/// A command and its arguments. Up to three arguments are stored inline, so the common commands are
/// built and sent without allocating; more arguments live in an array.
/// </summary>
public readonly struct RedisCommand
{
    private readonly RedisArg _arg0;
    private readonly RedisArg _arg1;
    private readonly RedisArg _arg2;
    private readonly RedisArg[]? _args;

    /// <summary>A command without arguments.</summary>
    public RedisCommand(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        KeyIndex = -1;
    }

    /// <summary>A command with one argument.</summary>
    public RedisCommand(string name, RedisArg arg0)
        : this(name)
    {
        _arg0 = arg0;
        Count = 1;
    }

    /// <summary>A command with two arguments.</summary>
    public RedisCommand(string name, RedisArg arg0, RedisArg arg1)
        : this(name)
    {
        _arg0 = arg0;
        _arg1 = arg1;
        Count = 2;
    }

    /// <summary>A command with three arguments.</summary>
    public RedisCommand(string name, RedisArg arg0, RedisArg arg1, RedisArg arg2)
        : this(name)
    {
        _arg0 = arg0;
        _arg1 = arg1;
        _arg2 = arg2;
        Count = 3;
    }

    /// <summary>A command with any number of arguments (the array is used, not copied).</summary>
    public RedisCommand(string name, params RedisArg[] args)
        : this(name)
    {
        ArgumentNullException.ThrowIfNull(args);
        _args = args;
        Count = args.Length;
    }

    private RedisCommand(in RedisCommand source, int keyIndex, RedisCommandFlags flags, TimeSpan? timeout)
    {
        this = source;
        KeyIndex = keyIndex;
        Flags = flags;
        Timeout = timeout;
    }

    /// <summary>The command name, such as <c>SET</c> or <c>XGROUP</c> (sub-commands are arguments).</summary>
    public string Name { get; }

    /// <summary>Number of arguments after the name.</summary>
    public int Count { get; }

    /// <summary>Index of the first key among the arguments, or -1 when the command names no key. Cluster routing hashes it.</summary>
    public int KeyIndex { get; }

    /// <summary>How the command is sent.</summary>
    public RedisCommandFlags Flags { get; }

    /// <summary>
    /// The deadline of this command, replacing <see cref="RedisOptions.CommandTimeout"/>; for a blocking
    /// command, its server-side timeout (the client adds <see cref="RedisOptions.BlockingTimeoutMargin"/>).
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline (only cancellation ends it).
    /// </summary>
    public TimeSpan? Timeout { get; }

    /// <summary>True when the command blocks on the server.</summary>
    public bool IsBlocking => Flags.HasFlag(RedisCommandFlags.Blocking);

    /// <summary>The argument at <paramref name="index"/>.</summary>
    public RedisArg this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return _args is not null ? _args[index] : index switch { 0 => _arg0, 1 => _arg1, _ => _arg2 };
        }
    }

    /// <summary>This command with its first key at argument <paramref name="index"/>.</summary>
    public RedisCommand WithKey(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return new(this, index, Flags, Timeout);
    }

    /// <summary>This command with <paramref name="flags"/> added.</summary>
    public RedisCommand With(RedisCommandFlags flags) => new(this, KeyIndex, Flags | flags, Timeout);

    /// <summary>This command with its own deadline (see <see cref="Timeout"/>).</summary>
    public RedisCommand WithTimeout(TimeSpan timeout)
    {
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero, nameof(timeout));
        }

        return new(this, KeyIndex, Flags, timeout);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new string[Count + 1];
        parts[0] = Name;
        for (var i = 0; i < Count; i++)
        {
            parts[i + 1] = this[i].ToString();
        }

        return string.Join(' ', parts);
    }

    /// <summary>Writes the whole command as a RESP array.</summary>
    internal void WriteTo(IBufferWriter<byte> output)
    {
        RespRequestWriter.WriteArrayHeader(output, Count + 1);
        RespRequestWriter.WriteBulkString(output, Name);
        if (_args is not null)
        {
            foreach (var arg in _args)
            {
                arg.WriteTo(output);
            }

            return;
        }

        if (Count > 0)
        {
            _arg0.WriteTo(output);
        }

        if (Count > 1)
        {
            _arg1.WriteTo(output);
        }

        if (Count > 2)
        {
            _arg2.WriteTo(output);
        }
    }
}
