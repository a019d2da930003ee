using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace Herald.Redis.Protocol;

/// <summary>
/// An incremental RESP2/RESP3 parser. Input arrives in arbitrary slices; every byte is examined once and
/// what cannot complete a value yet is kept in the parser's own state (a partial line, a partial bulk
/// payload, a stack of open aggregates), so a partial frame is never rescanned. Nesting is an explicit
/// stack, not recursion. Counts and lengths from the peer are checked against <see cref="RespLimits"/>
/// and never used to pre-allocate more than the bytes actually received.
/// </summary>
/// <remarks>
/// Not thread-safe: one parser belongs to one connection's reader. After a
/// <see cref="RedisProtocolException"/> the stream is out of sync; the parser must be <see cref="Reset"/>
/// and the connection abandoned.
/// </remarks>
public sealed class RespParser
{
    private const int InitialAggregateCapacity = 8;
    private const int InitialBulkCapacity = 16 * 1024;
    private const int MaxSpareCapacity = 1024;

    private readonly RespLimits _limits;
    private readonly Stack<Frame> _frames = new();

    // Closed frames, kept for the next aggregates: a reply of many small arrays (stream entries) would
    // otherwise allocate a frame and a growing list for each, besides the item array it keeps.
    private readonly Stack<Frame> _spareFrames = new();

    // A header or simple line that arrived in pieces.
    private byte[] _line = new byte[64];
    private int _lineLength;

    // The payload of a bulk string, verbatim string, bulk error or streamed-string chunk being received.
    private Mode _mode = Mode.Line;
    private RespType _bulkType;
    private byte[]? _bulk;
    private int _bulkFilled;
    private long _bulkLength;
    private int _crlfSeen;

    // A streamed string ($?) collects its chunks here until the terminating ";0".
    private ArrayBufferWriter<byte>? _streamedString;

    // Attributes seen at top level, waiting for the value they annotate.
    private RespValue? _topAttributes;

    /// <summary>Creates a parser with <paramref name="limits"/> (default <see cref="RespLimits.Default"/>).</summary>
    public RespParser(RespLimits? limits = null)
    {
        _limits = limits ?? RespLimits.Default;
        _limits.Validate();
    }

    private enum Mode : byte
    {
        Line,
        Bulk,
        BulkCrlf,
    }

    /// <summary>True when the parser holds part of a value (a frame is incomplete).</summary>
    public bool HasPartialValue =>
        _mode != Mode.Line || _lineLength > 0 || _frames.Count > 0 || _streamedString is not null || _topAttributes is not null;

    /// <summary>
    /// Parses from <paramref name="input"/> until one top-level value completes or the input ends.
    /// </summary>
    /// <param name="input">The next bytes of the stream.</param>
    /// <param name="consumed">How many bytes were used; the caller passes the rest on the next call.</param>
    /// <param name="value">The completed value when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when a value completed; <see langword="false"/> when all input was consumed into partial state.</returns>
    /// <exception cref="RedisProtocolException">The input is not valid RESP or exceeds a limit.</exception>
    public bool TryRead(ReadOnlySpan<byte> input, out int consumed, [NotNullWhen(true)] out RespValue? value)
    {
        var position = 0;
        while (position < input.Length)
        {
            RespValue? completed;
            switch (_mode)
            {
                case Mode.Bulk:
                    {
                        var take = (int)Math.Min(_bulkLength - _bulkFilled, input.Length - position);
                        EnsureBulkCapacity(_bulkFilled + take);
                        input.Slice(position, take).CopyTo(_bulk.AsSpan(_bulkFilled));
                        _bulkFilled += take;
                        position += take;
                        if (_bulkFilled == _bulkLength)
                        {
                            _mode = Mode.BulkCrlf;
                            _crlfSeen = 0;
                        }

                        continue;
                    }

                case Mode.BulkCrlf:
                    {
                        var expected = _crlfSeen == 0 ? (byte)'\r' : (byte)'\n';
                        if (input[position] != expected)
                        {
                            throw Malformed("a bulk payload is not followed by CRLF");
                        }

                        position++;
                        if (++_crlfSeen < 2)
                        {
                            continue;
                        }

                        _mode = Mode.Line;
                        completed = CompleteBulk();
                        break;
                    }

                default:
                    {
                        var rest = input[position..];
                        var newline = rest.IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            AppendLine(rest);
                            position = input.Length;
                            continue;
                        }

                        ReadOnlySpan<byte> line;
                        if (_lineLength == 0)
                        {
                            line = rest[..newline];
                            CheckLineLength(line.Length);
                        }
                        else
                        {
                            AppendLine(rest[..newline]);
                            line = _line.AsSpan(0, _lineLength);
                        }

                        position += newline + 1;
                        if (line.IsEmpty || line[^1] != (byte)'\r')
                        {
                            throw Malformed("a line does not end with CRLF");
                        }

                        completed = ParseLine(line[..^1]);
                        _lineLength = 0;
                        break;
                    }
            }

            if (completed is not null && TryComplete(completed, out value))
            {
                consumed = position;
                return true;
            }
        }

        consumed = position;
        value = null;
        return false;
    }

    /// <summary>Discards all partial state, as after a protocol error or a new connection.</summary>
    public void Reset()
    {
        _frames.Clear();
        _lineLength = 0;
        _mode = Mode.Line;
        _bulk = null;
        _bulkFilled = 0;
        _streamedString = null;
        _topAttributes = null;
        if (_line.Length > 4096)
        {
            _line = new byte[64];
        }
    }

    // Returns a completed scalar, or null when the line opened a bulk payload or an aggregate.
    private RespValue? ParseLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            throw Malformed("an empty line has no type marker");
        }

        var payload = line[1..];
        if (_streamedString is not null && line[0] != (byte)';')
        {
            throw Malformed("a streamed string chunk must start with ';'");
        }

        switch (line[0])
        {
            case (byte)'+':
                return payload.SequenceEqual("OK"u8) ? RespValue.Ok : SimpleLine(RespType.SimpleString, payload);
            case (byte)'-':
                return SimpleLine(RespType.SimpleError, payload);
            case (byte)':':
                return RespValue.Integer(ParseInteger(payload, "integer"));
            case (byte)'_':
                if (!payload.IsEmpty)
                {
                    throw Malformed("a null carries no payload");
                }

                return RespValue.Null;
            case (byte)'#':
                return payload.Length == 1 && payload[0] == (byte)'t' ? RespValue.True
                    : payload.Length == 1 && payload[0] == (byte)'f' ? RespValue.False
                    : throw Malformed("a boolean is neither 't' nor 'f'");
            case (byte)',':
                return RespValue.TryParseDouble(payload, out var number) && IsDoubleText(payload)
                    ? RespValue.Double(number)
                    : throw Malformed("a double is not a number");
            case (byte)'(':
                ValidateBigNumber(payload);
                return RespValue.BigNumber(payload.ToArray());
            case (byte)'$':
                return StartBulk(RespType.BulkString, payload);
            case (byte)'!':
                return StartBulk(RespType.BulkError, payload);
            case (byte)'=':
                return StartBulk(RespType.VerbatimString, payload);
            case (byte)';':
                return StreamedChunk(payload);
            case (byte)'*':
                return StartAggregate(RespType.Array, payload);
            case (byte)'%':
                return StartAggregate(RespType.Map, payload);
            case (byte)'~':
                return StartAggregate(RespType.Set, payload);
            case (byte)'|':
                return StartAggregate(RespType.Attribute, payload);
            case (byte)'>':
                return StartAggregate(RespType.Push, payload);
            case (byte)'.':
                if (!payload.IsEmpty)
                {
                    throw Malformed("an end marker carries no payload");
                }

                return EndStreamedAggregate();
            default:
                throw Malformed($"unknown type marker 0x{line[0]:x2}");
        }
    }

    private static RespValue SimpleLine(RespType type, ReadOnlySpan<byte> payload) =>
        payload.Contains((byte)'\r')
            ? throw Malformed("a simple string or error contains a CR")
            : RespValue.FromBytes(type, payload.ToArray());

    private RespValue? StartBulk(RespType type, ReadOnlySpan<byte> payload)
    {
        if (type == RespType.BulkString && payload.Length == 1 && payload[0] == (byte)'?')
        {
            _streamedString = new ArrayBufferWriter<byte>();
            return null;
        }

        var length = ParseInteger(payload, "length");
        if (length == -1 && type == RespType.BulkString)
        {
            return RespValue.Null;
        }

        if (length < 0)
        {
            throw Malformed($"a negative length {length}");
        }

        if (length > _limits.MaxBulkLength)
        {
            throw new RedisProtocolException($"A bulk string of {length} bytes exceeds the limit of {_limits.MaxBulkLength}.");
        }

        if (type == RespType.VerbatimString && length < 4)
        {
            throw Malformed("a verbatim string is shorter than its format prefix");
        }

        BeginPayload(type, length);
        return null;
    }

    private void BeginPayload(RespType type, long length)
    {
        _bulkType = type;
        _bulkLength = length;
        _bulkFilled = 0;
        _mode = length == 0 ? Mode.BulkCrlf : Mode.Bulk;
        _crlfSeen = 0;

        // The length is the peer's word, not memory it has sent: start small and grow (doubling, capped at
        // the announced length) as bytes really arrive. Small payloads, the common case, are sized exactly.
        _bulk = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)Math.Min(length, InitialBulkCapacity));
    }

    private void EnsureBulkCapacity(int needed)
    {
        if (needed <= _bulk!.Length)
        {
            return;
        }

        var size = (int)Math.Min(_bulkLength, Math.Max(needed, (long)_bulk.Length * 2));
        var grown = GC.AllocateUninitializedArray<byte>(size);
        _bulk.AsSpan(0, _bulkFilled).CopyTo(grown);
        _bulk = grown;
    }

    private RespValue? CompleteBulk()
    {
        var bytes = _bulk!;
        _bulk = null;
        switch (_bulkType)
        {
            case RespType.BulkError:
                return RespValue.BulkError(bytes);
            case RespType.VerbatimString:
                if (bytes[3] != (byte)':')
                {
                    throw Malformed("a verbatim string lacks the ':' after its format");
                }

                return RespValue.Verbatim(System.Text.Encoding.ASCII.GetString(bytes, 0, 3), bytes[4..]);
            case RespType.Null:
                // A chunk of a streamed string: append and keep reading chunks.
                _streamedString!.Write(bytes);
                CheckStreamedLength();
                return null;
            default:
                return RespValue.BulkString(bytes);
        }
    }

    private RespValue? StreamedChunk(ReadOnlySpan<byte> payload)
    {
        if (_streamedString is null)
        {
            throw Malformed("a ';' chunk outside a streamed string");
        }

        var length = ParseInteger(payload, "chunk length");
        if (length < 0)
        {
            throw Malformed("a negative chunk length");
        }

        if (length == 0)
        {
            var value = RespValue.BulkString(_streamedString.WrittenSpan.ToArray());
            _streamedString = null;
            return value;
        }

        if (_streamedString.WrittenCount + length > _limits.MaxBulkLength)
        {
            throw new RedisProtocolException($"A streamed string exceeds the limit of {_limits.MaxBulkLength} bytes.");
        }

        // RespType.Null marks "a chunk of a streamed string" in CompleteBulk.
        BeginPayload(RespType.Null, length);
        return null;
    }

    private void CheckStreamedLength()
    {
        if (_streamedString!.WrittenCount > _limits.MaxBulkLength)
        {
            throw new RedisProtocolException($"A streamed string exceeds the limit of {_limits.MaxBulkLength} bytes.");
        }
    }

    private RespValue? StartAggregate(RespType type, ReadOnlySpan<byte> payload)
    {
        long count;
        if (payload.Length == 1 && payload[0] == (byte)'?')
        {
            if (type is RespType.Attribute or RespType.Push)
            {
                throw Malformed($"a {type} cannot be streamed");
            }

            count = -1;
        }
        else
        {
            count = ParseInteger(payload, "count");
            if (count == -1 && type is RespType.Array)
            {
                return RespValue.Null;
            }

            if (count < 0)
            {
                throw Malformed($"a negative count {count}");
            }

            if (count > _limits.MaxAggregateLength)
            {
                throw new RedisProtocolException($"An aggregate of {count} elements exceeds the limit of {_limits.MaxAggregateLength}.");
            }

            if (type is RespType.Map or RespType.Attribute)
            {
                count *= 2;
            }

            if (count == 0)
            {
                return type == RespType.Array ? RespValue.EmptyArray : RespValue.Aggregate(type, []);
            }
        }

        if (_frames.Count >= _limits.MaxDepth)
        {
            throw new RedisProtocolException($"Nesting deeper than {_limits.MaxDepth} levels.");
        }

        // Capacity grows with the items that actually arrive, never with the announced count.
        _frames.Push(_spareFrames.TryPop(out var spare)
            ? spare.Reuse(type, count)
            : new Frame(type, count, new List<RespValue>((int)Math.Min(count < 0 ? InitialAggregateCapacity : count, InitialAggregateCapacity))));
        return null;
    }

    private RespValue? EndStreamedAggregate()
    {
        if (_frames.Count == 0 || _frames.Peek().Expected != -1)
        {
            throw Malformed("an end marker outside a streamed aggregate");
        }

        var frame = _frames.Pop();
        if (frame.PendingAttributes is not null)
        {
            throw Malformed("attributes annotate nothing before the end marker");
        }

        if (frame.Type == RespType.Map && frame.Items.Count % 2 != 0)
        {
            throw Malformed("a streamed map ends after a key without a value");
        }

        return Close(frame);
    }

    // Places a completed value into its parent, closing every aggregate that it fills.
    private bool TryComplete(RespValue value, [NotNullWhen(true)] out RespValue? topLevel)
    {
        while (true)
        {
            if (_frames.Count == 0)
            {
                if (value.Type == RespType.Attribute)
                {
                    _topAttributes = value;
                    topLevel = null;
                    return false;
                }

                if (_topAttributes is not null)
                {
                    value = value.WithAttributes(_topAttributes);
                    _topAttributes = null;
                }

                topLevel = value;
                return true;
            }

            var frame = _frames.Peek();
            if (value.Type == RespType.Attribute)
            {
                frame.PendingAttributes = value;
                topLevel = null;
                return false;
            }

            if (frame.PendingAttributes is not null)
            {
                value = value.WithAttributes(frame.PendingAttributes);
                frame.PendingAttributes = null;
            }

            frame.Items.Add(value);
            if (frame.Expected < 0 || frame.Items.Count < frame.Expected)
            {
                if (frame.Expected < 0 && frame.Items.Count > _limits.MaxAggregateLength * (frame.Type == RespType.Map ? 2 : 1))
                {
                    throw new RedisProtocolException($"A streamed aggregate exceeds the limit of {_limits.MaxAggregateLength} elements.");
                }

                topLevel = null;
                return false;
            }

            _frames.Pop();
            value = Close(frame);
        }
    }

    // The aggregate of a finished frame; the frame goes back to the spares unless it grew large.
    private RespValue Close(Frame frame)
    {
        var value = RespValue.Aggregate(frame.Type, [.. frame.Items]);
        if (frame.Items.Capacity <= MaxSpareCapacity && _spareFrames.Count < _limits.MaxDepth)
        {
            frame.Items.Clear();
            _spareFrames.Push(frame);
        }

        return value;
    }

    private void AppendLine(ReadOnlySpan<byte> part)
    {
        CheckLineLength(_lineLength + part.Length);
        if (_lineLength + part.Length > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + part.Length));
        }

        part.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += part.Length;
    }

    private void CheckLineLength(int length)
    {
        if (length > _limits.MaxLineLength)
        {
            throw new RedisProtocolException($"A line longer than {_limits.MaxLineLength} bytes.");
        }
    }

    private static long ParseInteger(ReadOnlySpan<byte> text, string what)
    {
        // RESP integers may carry one sign, '+' or '-'. Utf8Parser takes either too, so a '+' stripped here
        // must not be followed by a second sign that Utf8Parser would accept (":++5", ":+-5").
        var plus = text.Length > 0 && text[0] == (byte)'+';
        var digits = plus ? text[1..] : text;
        if (digits.IsEmpty || (plus && digits[0] is (byte)'+' or (byte)'-')
            || !Utf8Parser.TryParse(digits, out long value, out var used) || used != digits.Length)
        {
            throw Malformed($"a {what} is not a decimal integer");
        }

        return value;
    }

    private static bool IsDoubleText(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (!(b is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'-' or (byte)'+' or (byte)'e' or (byte)'E'
                or (byte)'i' or (byte)'n' or (byte)'f' or (byte)'a'))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidateBigNumber(ReadOnlySpan<byte> text)
    {
        var digits = text.Length > 0 && text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        if (digits.IsEmpty || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            throw Malformed("a big number is not a decimal integer");
        }
    }

    private static RedisProtocolException Malformed(string what) => new($"Malformed RESP: {what}.");

    private sealed class Frame(RespType type, long expected, List<RespValue> items)
    {
        public RespType Type { get; private set; } = type;

        public long Expected { get; private set; } = expected;

        public List<RespValue> Items { get; } = items;

        public RespValue? PendingAttributes { get; set; }

        public Frame Reuse(RespType type, long expected)
        {
            Type = type;
            Expected = expected;
            PendingAttributes = null;
            return this;
        }
    }
}
