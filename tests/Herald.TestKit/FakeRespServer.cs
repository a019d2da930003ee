using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Herald.TestKit;

/// <summary>
/// A scriptable RESP server in the test process on a free loopback port: every command received is
/// recorded and answered by the responder, which can also send garbage, stay silent, stall or close.
/// Commands on one connection are answered in order.
/// </summary>
public sealed class FakeRespServer : IAsyncDisposable
{
    private readonly Func<FakeRequest, FakeReply> _responder;
    private readonly ConcurrentDictionary<int, Socket> _connections = new();
    private readonly List<string[]> _received = [];
    private readonly Lock _receivedLock = new();
    private readonly LoopbackListener _listener;
    private int _nextConnectionId;

    private FakeRespServer(Func<FakeRequest, FakeReply> responder)
    {
        _responder = responder;
        _listener = new LoopbackListener(ServeAsync);
    }

    /// <summary>Always <c>127.0.0.1</c>.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The port it listens on.</summary>
    public int Port => _listener.Port;

    /// <summary><c>redis://127.0.0.1:port</c>.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"redis://{Host}:{Port}");

    /// <summary>A snapshot of every command received so far, in arrival order (command names upper-cased).</summary>
    public IReadOnlyList<string[]> ReceivedCommands
    {
        get
        {
            lock (_receivedLock)
                return [.. _received];
        }
    }

    /// <summary>Live client connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Starts listening; <paramref name="responder"/> is called for each command, on the connection's task.</summary>
    public static FakeRespServer Start(Func<FakeRequest, FakeReply> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        return new FakeRespServer(responder);
    }

    /// <summary>Closes every current connection; the server keeps accepting new ones.</summary>
    public void DropAllConnections()
    {
        foreach (var socket in _connections.Values)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception exception) when (LoopbackListener.IsDisconnect(exception))
            {
                // Already gone.
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var id = Interlocked.Increment(ref _nextConnectionId);
        _connections[id] = socket;
        try
        {
            var reader = new RespRequestReader();
            while (true)
            {
                var read = await socket.ReceiveAsync(reader.GetReceiveBuffer(), SocketFlags.None, stopping);
                if (read == 0)
                    return;
                reader.Advance(read);
                if (!await AnswerAsync(socket, reader, id, stopping))
                    return;
            }
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    /// <returns>False when the connection must close.</returns>
    private async Task<bool> AnswerAsync(Socket socket, RespRequestReader reader, int connectionId, CancellationToken stopping)
    {
        while (true)
        {
            string[]? command;
            try
            {
                if (!reader.TryRead(out command))
                    return true;
            }
            catch (InvalidDataException exception)
            {
                // As redis-server does: say why, then hang up.
                await socket.SendAsync(Encoding.UTF8.GetBytes($"-ERR {exception.Message}\r\n"), SocketFlags.None, stopping);
                return false;
            }

            lock (_receivedLock)
                _received.Add(command);
            FakeReply reply;
            try
            {
                reply = _responder(new FakeRequest(command, connectionId));
            }
            catch (Exception exception)
            {
                reply = FakeReply.Error($"ERR fake responder threw {exception.GetType().Name}: {exception.Message}");
            }

            if (!await SendAsync(socket, reply, stopping))
                return false;
        }
    }

    private static async Task<bool> SendAsync(Socket socket, FakeReply reply, CancellationToken stopping)
    {
        switch (reply)
        {
            case RawReply raw:
                await socket.SendAsync(raw.Bytes, SocketFlags.None, stopping);
                return true;
            case DelayedReply delayed:
                await Task.Delay(delayed.Delay, stopping);
                return await SendAsync(socket, delayed.Reply, stopping);
            case CloseReply:
                return false;
            default:
                return true;
        }
    }
}
