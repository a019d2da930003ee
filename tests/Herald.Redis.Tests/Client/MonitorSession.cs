using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// <c>MONITOR</c> on a raw socket of its own: what the server actually executed, in its order. Raw, so
/// that what it observes never depends on the client under test.
/// </summary>
internal sealed class MonitorSession : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly ConcurrentQueue<string[]> _commands = new();
    private readonly Task _reading;

    private MonitorSession(TcpClient tcp)
    {
        _tcp = tcp;
        _reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Every command seen so far, name upper-cased, in execution order.</summary>
    public IReadOnlyList<string[]> Commands => [.. _commands];

    public static async Task<MonitorSession> StartAsync(string host, int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var ok = new byte[5];
        await stream.ReadExactlyAsync(ok);
        if (!ok.AsSpan().SequenceEqual("+OK\r\n"u8))
        {
            throw new InvalidOperationException($"MONITOR answered {Encoding.ASCII.GetString(ok)}");
        }

        return new MonitorSession(tcp);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException)
        {
            // The socket was closed under the reader: that is how it stops.
        }

        _reader.Dispose();
    }

    // +1700000000.123456 [0 127.0.0.1:50000] "SET" "key" "value"
    internal static string[] Parse(string line)
    {
        var start = line.IndexOf("] ", StringComparison.Ordinal);
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        for (var i = start + 2; i < line.Length; i++)
        {
            var c = line[i];
            if (!quoted)
            {
                quoted = c == '"';
                continue;
            }

            if (c == '"')
            {
                words.Add(word.ToString());
                word.Clear();
                quoted = false;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                var next = line[++i];
                if (next == 'x' && i + 2 < line.Length)
                {
                    word.Append((char)Convert.ToByte(line.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else
                {
                    word.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'a' => '\a', 'b' => '\b', _ => next });
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (words.Count > 0)
        {
            words[0] = words[0].ToUpperInvariant();
        }

        return [.. words];
    }

    private async Task ReadAsync()
    {
        while (await _reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith('+'))
            {
                _commands.Enqueue(Parse(line));
            }
        }
    }
}
