using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Herald.TestKit;

/// <summary>
/// Accepts TCP connections on a free loopback port and serves each on its own task; disposing
/// stops accepting, cancels every connection's token and waits for them to finish.
/// </summary>
internal sealed class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _serving = new();
    private readonly Task _accepting;

    public LoopbackListener(Func<Socket, CancellationToken, Task> serve)
    {
        _serve = serve;
        _listener = FreePort.Listen();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_serving.Keys);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                continue;
            }

            socket.NoDelay = true;
            var serving = ServeAsync(socket);
            _serving.TryAdd(serving, 0);
            _ = serving.ContinueWith(done => _serving.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await Task.Yield();
        try
        {
            await _serve(socket, _stopping.Token);
        }
        catch (Exception exception) when (IsDisconnect(exception))
        {
            // The peer went away or the listener is stopping: both are normal ends of a connection.
        }
        finally
        {
            socket.Dispose();
        }
    }

    internal static bool IsDisconnect(Exception exception) =>
        exception is SocketException or IOException or ObjectDisposedException or OperationCanceledException;
}
