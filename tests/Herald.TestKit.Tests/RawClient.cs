using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Herald.TestKit.Tests;

/// <summary>A bare TCP (or TLS) client speaking bytes, for testing the kit before any Herald client exists.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly Stream _stream;

    private RawClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    public static async Task<RawClient> ConnectAsync(int port, SslClientAuthenticationOptions? tls = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(s_defaultTimeout);
        await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is not null)
        {
            var secure = new SslStream(stream);
            await secure.AuthenticateAsClientAsync(tls, timeout.Token);
            stream = secure;
        }

        return new RawClient(socket, stream);
    }

    public Task SendCommandAsync(params string[] arguments)
    {
        var frame = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
            frame.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        return SendAsync(frame.ToString());
    }

    /// <summary>Sends a command and returns the first line of the reply.</summary>
    public async Task<string> CallAsync(params string[] arguments)
    {
        await SendCommandAsync(arguments);
        return await ReceiveLineAsync();
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>One read: whatever arrived, or an empty array at end of stream.</summary>
    public async Task<byte[]> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? s_defaultTimeout);
        var buffer = new byte[64 * 1024];
        var read = await _stream.ReadAsync(buffer, cancel.Token);
        return buffer[..read];
    }

    /// <summary>Reads until <paramref name="count"/> bytes arrived; fails on end of stream or timeout.</summary>
    public async Task<string> ReceiveStringAsync(int count, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? s_defaultTimeout);
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancel.Token);
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>Reads one line, without its CRLF.</summary>
    public async Task<string> ReceiveLineAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? s_defaultTimeout);
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 2 || line[^2] != '\r' || line[^1] != '\n')
        {
            await _stream.ReadExactlyAsync(one, cancel.Token);
            line.Add(one[0]);
        }

        return Encoding.UTF8.GetString([.. line[..^2]]);
    }

    /// <summary>Reads until the server closes the connection.</summary>
    public async Task<byte[]> ReceiveToEndAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? s_defaultTimeout);
        using var received = new MemoryStream();
        await _stream.CopyToAsync(received, cancel.Token);
        return received.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
