using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Herald.TestKit;

/// <summary>
/// Splits the bytes a client sends into commands: RESP arrays of bulk strings, or inline commands
/// (space-separated words on one line). Simple by design: a partial frame is rescanned.
/// </summary>
internal sealed class RespRequestReader
{
    private const int MaxLineLength = 64 * 1024;
    private const int MaxBulkLength = 64 * 1024 * 1024;
    private const int MaxArguments = 1024 * 1024;
    private const int MinimumFreeSpace = 4096;

    private byte[] _buffer = new byte[2 * MinimumFreeSpace];
    private int _start;
    private int _end;

    /// <summary>Space to receive into; call <see cref="Advance"/> with the count received.</summary>
    public Memory<byte> GetReceiveBuffer()
    {
        if (_buffer.Length - _end < MinimumFreeSpace)
        {
            var used = _end - _start;
            var target = used + MinimumFreeSpace > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, used + MinimumFreeSpace)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, used);
            _buffer = target;
            _start = 0;
            _end = used;
        }

        return _buffer.AsMemory(_end);
    }

    public void Advance(int count) => _end += count;

    /// <summary>Takes the next complete command, with its name upper-cased; false when more bytes are needed.</summary>
    /// <exception cref="InvalidDataException">The client sent something that is not a command.</exception>
    public bool TryRead([NotNullWhen(true)] out string[]? command)
    {
        while (_end > _start)
        {
            var data = _buffer.AsSpan(_start, _end - _start);
            var consumed = data[0] == (byte)'*' ? TryParseArray(data, out command) : TryParseInline(data, out command);
            if (consumed == 0)
                return false;
            _start += consumed;
            if (command is { Length: > 0 })
            {
                command[0] = command[0].ToUpperInvariant();
                return true;
            }
        }

        command = null;
        return false;
    }

    private static int TryParseArray(ReadOnlySpan<byte> data, out string[]? command)
    {
        command = null;
        var position = 0;
        if (!TryReadLength(data, ref position, '*', MaxArguments, out var count))
            return 0;
        var arguments = new List<string>(Math.Min(count, 16));
        for (var i = 0; i < count; i++)
        {
            if (!TryReadLength(data, ref position, '$', MaxBulkLength, out var length) || data.Length - position < length + 2)
                return 0;
            if (data[position + length] != (byte)'\r' || data[position + length + 1] != (byte)'\n')
                throw new InvalidDataException("Protocol error: bulk string not terminated by CRLF");
            arguments.Add(Encoding.UTF8.GetString(data.Slice(position, length)));
            position += length + 2;
        }

        command = [.. arguments];
        return position;
    }

    private static int TryParseInline(ReadOnlySpan<byte> data, out string[]? command)
    {
        command = null;
        var newline = data.IndexOf((byte)'\n');
        if (newline < 0)
            return data.Length > MaxLineLength ? throw new InvalidDataException("Protocol error: too big inline request") : 0;
        var line = Encoding.UTF8.GetString(data[..newline]).TrimEnd('\r');
        command = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return newline + 1;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> data, ref int position, char prefix, int max, out int value)
    {
        value = 0;
        var rest = data[position..];
        var end = rest.IndexOf("\r\n"u8);
        if (end < 0)
            return rest.Length > MaxLineLength ? throw new InvalidDataException("Protocol error: line too long") : false;
        if (rest[0] != (byte)prefix
            || !int.TryParse(rest[1..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
            || value < -1 || value > max)
        {
            throw new InvalidDataException($"Protocol error: expected '{prefix}' and a length, got '{Encoding.UTF8.GetString(rest[..end])}'");
        }

        value = Math.Max(value, 0);
        position += end + 2;
        return true;
    }
}
