using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Herald.TestKit;

/// <summary>
/// A TCP proxy on a free loopback port in front of a target server, for putting faults between a
/// client and Redis: latency, slow trickle, blackhole, reset, truncated replies. Faults apply to
/// live and new connections alike; <see cref="Heal"/> returns to plain forwarding.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly LoopbackListener _listener;
    private TaskCompletionSource _healed = NewHealedSignal(completed: true);
    private long _latencyTicks;
    private int _sliceSize;
    private long _closeAfterBytes = -1;
    private long _bytesForwarded;
    private int _nextConnectionId;

    private FaultProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new LoopbackListener(ServeAsync);
    }

    /// <summary>Always <c>127.0.0.1</c>.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The port clients connect to instead of the target's.</summary>
    public int Port => _listener.Port;

    /// <summary>Delay added before each forwarded chunk (each slice with <see cref="SliceSize"/>), both directions.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    /// <summary>Forward in segments of at most this many bytes; null forwards whatever was read.</summary>
    public int? SliceSize
    {
        get => Volatile.Read(ref _sliceSize) is var size and > 0 ? size : null;
        set
        {
            if (value is { } size)
                ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            Volatile.Write(ref _sliceSize, value ?? 0);
        }
    }

    /// <summary>Live proxied connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Bytes forwarded so far, both directions, all connections.</summary>
    public long BytesForwarded => Interlocked.Read(ref _bytesForwarded);

    private bool IsBlackholed => !Volatile.Read(ref _healed).Task.IsCompleted;

    /// <summary>Starts a proxy in front of <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static Task<FaultProxy> StartAsync(string targetHost, int targetPort)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        return Task.FromResult(new FaultProxy(targetHost, targetPort));
    }

    /// <summary>
    /// Keeps every socket open but silently drops all bytes both ways (and end-of-stream), as a
    /// network partition would; new connections are accepted and blackholed too.
    /// </summary>
    public void Blackhole()
    {
        if (!IsBlackholed)
            Volatile.Write(ref _healed, NewHealedSignal(completed: false));
    }

    /// <summary>Resets (TCP RST) every current connection on both sides.</summary>
    public void ResetAll()
    {
        foreach (var connection in _connections.Values)
            connection.Reset();
    }

    /// <summary>Closes each connection, current and new, once it has forwarded this many more bytes from the server to the client.</summary>
    public void CloseAfterBytes(long bytesServerToClient)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesServerToClient);
        Interlocked.Exchange(ref _closeAfterBytes, bytesServerToClient);
        foreach (var connection in _connections.Values)
            connection.SetDownstreamBudget(bytesServerToClient);
    }

    /// <summary>Back to plain forwarding for new and existing connections: no latency, slicing, blackhole or byte limit.</summary>
    public void Heal()
    {
        Latency = TimeSpan.Zero;
        SliceSize = null;
        Interlocked.Exchange(ref _closeAfterBytes, -1);
        foreach (var connection in _connections.Values)
            connection.SetDownstreamBudget(-1);
        Volatile.Read(ref _healed).TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Volatile.Read(ref _healed).TrySetResult();
        await _listener.DisposeAsync();
    }

    private static TaskCompletionSource NewHealedSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
            signal.SetResult();
        return signal;
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, stopping);
        }
        catch (SocketException)
        {
            // The target is down: the client sees what it would see without the proxy, a reset.
            Connection.Abort(client);
            return;
        }

        var id = Interlocked.Increment(ref _nextConnectionId);
        using var connection = new Connection(this, client, server, Interlocked.Read(ref _closeAfterBytes));
        _connections[id] = connection;
        try
        {
            await connection.RunAsync(stopping);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }
}
