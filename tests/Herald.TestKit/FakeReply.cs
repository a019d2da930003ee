using System.Globalization;
using System.Text;

namespace Herald.TestKit;

/// <summary>What <see cref="FakeRespServer"/> does with a request: send bytes, nothing, close, or wait first.</summary>
public abstract record FakeReply
{
    private protected FakeReply()
    {
    }

    /// <summary><c>+OK</c>.</summary>
    public static FakeReply Ok { get; } = Simple("OK");

    /// <summary>Sends no reply at all; the client waits.</summary>
    public static FakeReply Nothing { get; } = new NothingReply();

    /// <summary>Closes the connection without replying.</summary>
    public static FakeReply Close { get; } = new CloseReply();

    /// <summary>Exactly these bytes, valid RESP or not.</summary>
    public static FakeReply Raw(byte[] bytes) => new RawReply(bytes);

    /// <summary>Exactly this text, UTF-8 encoded, valid RESP or not (write <c>\r\n</c> yourself).</summary>
    public static FakeReply Raw(string text) => new RawReply(Encoding.UTF8.GetBytes(text));

    /// <summary>Waits <paramref name="delay"/>, then does <paramref name="reply"/>; later requests on the connection wait behind it.</summary>
    public static FakeReply Delayed(TimeSpan delay, FakeReply reply) => new DelayedReply(delay, reply);

    /// <summary>A simple string: <c>+text</c>.</summary>
    public static FakeReply Simple(string text) => Raw($"+{text}\r\n");

    /// <summary>An error reply: <c>-</c> then the message, which starts with its code (<c>ERR …</c>, <c>MOVED …</c>).</summary>
    public static FakeReply Error(string message) => Raw($"-{message}\r\n");

    /// <summary>An integer: <c>:n</c>.</summary>
    public static FakeReply Integer(long value) => Raw(string.Create(CultureInfo.InvariantCulture, $":{value}\r\n"));

    /// <summary>A bulk string, or the RESP2 null bulk string for null.</summary>
    public static FakeReply Bulk(string? value)
    {
        if (value is null)
            return Raw("$-1\r\n");
        var bytes = Encoding.UTF8.GetBytes(value);
        return Raw(string.Create(CultureInfo.InvariantCulture, $"${bytes.Length}\r\n{value}\r\n"));
    }

    /// <summary>An array of replies that are themselves bytes (<see cref="Simple"/>, <see cref="Bulk"/>, <see cref="Raw(string)"/>…).</summary>
    public static FakeReply Array(params FakeReply[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"*{items.Length}\r\n")));
        foreach (var item in items)
        {
            bytes.AddRange(item is RawReply raw
                ? raw.Bytes
                : throw new ArgumentException("Only byte replies can be array items.", nameof(items)));
        }

        return new RawReply([.. bytes]);
    }
}

internal sealed record RawReply(byte[] Bytes) : FakeReply;

internal sealed record NothingReply : FakeReply;

internal sealed record CloseReply : FakeReply;

internal sealed record DelayedReply(TimeSpan Delay, FakeReply Reply) : FakeReply;
