using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Redis.Connections;

/// <summary>
/// One physical connection to one server. Commands are serialised into a shared output buffer and
/// appended to the FIFO of in-flight commands under one lock, so wire order is FIFO order; whoever finds
/// no write in progress becomes the writer and drains everything queued meanwhile in one write per batch
/// (automatic pipelining). A reader loop matches replies to the FIFO head. Any fault poisons the whole
/// connection: it is torn down and every pending command fails with a typed error that says whether it
/// may have executed. The owner (<see cref="NodeConnection"/>) reconnects.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private static long s_nextId;

    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly RespParser _parser;
    private readonly ConcurrentQueue<PendingCommand> _inFlight = new();
    private readonly Lock _writeLock = new();

    private ArrayBufferWriter<byte> _queuedBytes = new(4096);
    private ArrayBufferWriter<byte> _writingBytes = new(4096);
    private bool _writerActive;
    private long _queuedSequence;
    private long _writtenSequence;
    private int _inFlightCount;
    private long _lastReadTimestamp;
    private int _faulted;
    private Task _readLoop = Task.CompletedTask;

    private RedisConnection(RedisEndpoint endpoint, RedisOptions options, Socket socket, Stream stream)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Endpoint = endpoint;
        _options = options;
        _time = options.TimeProvider;
        _logger = options.LoggerFactory?.CreateLogger("Herald.Redis") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _socket = socket;
        _stream = stream;
        _parser = new RespParser(options.Limits);
        _lastReadTimestamp = _time.GetTimestamp();
    }

    /// <summary>A process-wide number for logs.</summary>
    public long Id { get; }

    public RedisEndpoint Endpoint { get; }

    /// <summary>2 or 3, as negotiated.</summary>
    public int ProtocolVersion { get; private set; } = 2;

    /// <summary>The server version from <c>HELLO</c> or <c>INFO</c>; empty when unknown.</summary>
    public string ServerVersion { get; private set; } = string.Empty;

    /// <summary>The server's id for this connection (<c>CLIENT ID</c>), when known.</summary>
    public long? ServerClientId { get; private set; }

    /// <summary>The server's role from <c>HELLO</c> (<c>master</c>, <c>replica</c>), when known.</summary>
    public string? Role { get; private set; }

    public bool IsFaulted => Volatile.Read(ref _faulted) != 0;

    public int InFlightCount => Volatile.Read(ref _inFlightCount);

    /// <summary>Called once, from the failing loop, when the connection breaks.</summary>
    public Action<RedisConnection, Exception>? Faulted { get; set; }

    /// <summary>Receives RESP3 pushes, and in <see cref="SubscriberMode"/> the RESP2 pub/sub frames.</summary>
    public Action<RespValue>? PushHandler { get; set; }

    /// <summary>
    /// In <see cref="SubscriberMode"/>, receives message frames read straight from the buffer, without the
    /// general parser (see <see cref="PubSubFrame"/>); other frames still go to <see cref="PushHandler"/>.
    /// </summary>
    public PubSubFrameHandler? MessageHandler { get; set; }

    /// <summary>True for a subscriber connection: in RESP2, message arrays are pushes, not replies.</summary>
    public bool SubscriberMode { get; set; }

    /// <summary>How many commands have been handed to the socket; a test and diagnostics figure.</summary>
    public long WrittenCount => Volatile.Read(ref _writtenSequence);

    /// <summary>Bytes received so far; a test and diagnostics figure.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Serialises <paramref name="command"/> and queues <paramref name="pending"/> for its reply.
    /// Returns false when the connection is faulted; the command was then neither queued nor sent.
    /// </summary>
    public bool TryEnqueue(in RedisCommand command, PendingCommand pending)
    {
        lock (_writeLock)
        {
            if (_faulted != 0)
            {
                return false;
            }

            command.WriteTo(_queuedBytes);
            Track(pending);
            if (!ClaimWriter())
            {
                return true;
            }
        }

        StartWriter();
        return true;
    }

    /// <summary>Queues commands that were serialised earlier (the backlog, batches) in order, as one unit.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> serialized, ReadOnlySpan<PendingCommand> pendings)
    {
        lock (_writeLock)
        {
            if (_faulted != 0)
            {
                return false;
            }

            _queuedBytes.Write(serialized);
            foreach (var pending in pendings)
            {
                Track(pending);
            }

            if (!ClaimWriter())
            {
                return true;
            }
        }

        StartWriter();
        return true;
    }

    /// <summary>Sends a command that gets no reply of its own (SUBSCRIBE and friends on a subscriber connection).</summary>
    public bool TrySendWithoutReply(in RedisCommand command)
    {
        lock (_writeLock)
        {
            if (_faulted != 0)
            {
                return false;
            }

            command.WriteTo(_queuedBytes);
            if (!ClaimWriter())
            {
                return true;
            }
        }

        StartWriter();
        return true;
    }

    /// <summary>
    /// Fails commands whose deadline passed (they keep their FIFO slot: the late reply is discarded) and
    /// declares the connection dead when a written command timed out and not one byte arrived since.
    /// </summary>
    public void Sweep(long now)
    {
        if (Volatile.Read(ref _inFlightCount) == 0 || IsFaulted)
        {
            return;
        }

        var written = Volatile.Read(ref _writtenSequence);
        var lastRead = Volatile.Read(ref _lastReadTimestamp);
        var dead = false;
        foreach (var pending in _inFlight)
        {
            if (pending.Deadline > now)
            {
                continue;
            }

            var wasWritten = pending.Sequence <= written;
            if (pending.TryFail(new RedisTimeoutException(wasWritten, TimeoutMessage(pending, wasWritten))))
            {
                RedisClientMetrics.CommandFailed("timeout");
            }

            dead |= wasWritten && lastRead < pending.StartTimestamp;
        }

        if (dead)
        {
            var silence = _time.GetElapsedTime(lastRead);
            RedisClientLog.DeadSocket(_logger, Id, Endpoint, silence);
            Fault(new RedisConnectionException(RedisConnectionFailure.ConnectionLost, true,
                $"The connection to {Endpoint} stopped answering: nothing was read for {silence.TotalMilliseconds:F0} ms while commands timed out."));
        }
    }

    /// <summary>
    /// Sends a <c>PING</c> whose only purpose is to be answered: on a silent network it turns into a
    /// timeout that <see cref="Sweep"/> sees, with no byte read, and the connection is declared dead.
    /// </summary>
    public async Task SendHeartbeatAsync()
    {
        try
        {
            await SendAsync(new RedisCommand("PING"), CancellationToken.None).ConfigureAwait(false);
        }
        catch (HeraldException)
        {
            // The sweep and the fault handler act on a failed heartbeat; nothing is waiting for it.
        }
    }

    /// <summary>True when nothing was read for <paramref name="idle"/>; the owner then sends a heartbeat.</summary>
    public bool IsIdleLongerThan(TimeSpan idle) => _time.GetElapsedTime(Volatile.Read(ref _lastReadTimestamp)) >= idle;

    /// <summary>Tears the connection down and fails what is pending; idempotent.</summary>
    public void Fault(Exception reason)
    {
        lock (_writeLock)
        {
            if (_faulted != 0)
            {
                return;
            }

            _faulted = 1;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone: the point was to stop it.
        }

        _socket.Dispose();
        _stream.Dispose();
        var failed = InFlightCount;
        FailAllPending(reason);
        if (reason is not ObjectDisposedException)
        {
            RedisClientLog.ConnectionLost(_logger, Id, Endpoint, failed, reason.Message);
        }

        Faulted?.Invoke(this, reason);
    }

    public async ValueTask DisposeAsync()
    {
        Fault(new ObjectDisposedException(nameof(RedisConnection), "The connection was closed by the client."));
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            // The read loop ends with the socket; its fault has been reported already.
        }
    }

    private void Track(PendingCommand pending)
    {
        pending.Sequence = ++_queuedSequence;
        _inFlight.Enqueue(pending);
        Interlocked.Increment(ref _inFlightCount);
    }

    // A lone command on an idle connection is written at once, on the caller's thread: the lowest latency.
    // When commands are already in flight, the flush is queued behind the work already scheduled (callers'
    // continuations that are about to add commands), so a burst leaves in one write instead of a syscall each.
    private void StartWriter()
    {
        if (Volatile.Read(ref _inFlightCount) <= 1)
        {
            _ = WriteLoopAsync();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.WriteLoopAsync(), this, preferLocal: false);
        }
    }

    // Called under _writeLock: true when the caller must start the write loop.
    private bool ClaimWriter()
    {
        if (_writerActive)
        {
            return false;
        }

        _writerActive = true;
        return true;
    }

    private void FailAllPending(Exception reason)
    {
        var written = Volatile.Read(ref _writtenSequence);
        while (_inFlight.TryDequeue(out var pending))
        {
            Interlocked.Decrement(ref _inFlightCount);
            var mayHaveExecuted = pending.Sequence <= written;
            if (pending.TryFail(ToConnectionException(reason, mayHaveExecuted, pending.CommandName)))
            {
                RedisClientMetrics.CommandFailed(reason is RedisProtocolException ? "protocol" : "connection_lost");
            }

            pending.ReleaseTransport();
        }
    }

    private RedisConnectionException ToConnectionException(Exception reason, bool mayHaveExecuted, string command)
    {
        var written = mayHaveExecuted ? "was sent and may have executed" : "was never sent";
        return reason switch
        {
            ObjectDisposedException => new RedisConnectionException(RedisConnectionFailure.Disposed, mayHaveExecuted, $"{command} {written}: the client was disposed.", reason),
            RedisProtocolException => new RedisConnectionException(RedisConnectionFailure.ProtocolError, mayHaveExecuted, $"{command} {written}: {Endpoint} sent invalid RESP ({reason.Message})", reason),
            _ => new RedisConnectionException(RedisConnectionFailure.ConnectionLost, mayHaveExecuted, $"{command} {written}: the connection to {Endpoint} was lost ({reason.Message})", reason),
        };
    }

    private string TimeoutMessage(PendingCommand pending, bool wasWritten)
    {
        var waited = _time.GetElapsedTime(pending.StartTimestamp);
        return wasWritten
            ? $"{pending.CommandName} to {Endpoint} had no reply after {waited.TotalMilliseconds:F0} ms ({InFlightCount} commands in flight); it may have executed."
            : $"{pending.CommandName} to {Endpoint} could not be written within {waited.TotalMilliseconds:F0} ms; it was not executed.";
    }
}
