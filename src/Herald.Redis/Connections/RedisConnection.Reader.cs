using System.Text;
using Herald.Redis.Diagnostics;
using Herald.Redis.Protocol;

namespace Herald.Redis.Connections;

internal sealed partial class RedisConnection
{
    private const int ReadBufferSize = 64 * 1024;

    private void StartReading() => _readLoop = Task.Run(ReadLoopAsync);

    private async Task ReadLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReadBufferSize);
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer.AsMemory()).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"{Endpoint} closed the connection.");
                }

                Volatile.Write(ref _lastReadTimestamp, _time.GetTimestamp());
                BytesRead += read;
                var offset = 0;
                while (offset < read)
                {
                    var input = buffer.AsSpan(offset, read - offset);
                    if (SubscriberMode && MessageHandler is { } onMessage && !_parser.HasPartialValue
                        && PubSubFrame.TryRead(input, _options.Limits.MaxBulkLength, out var frameLength, out var kind, out var pattern, out var channel, out var payload))
                    {
                        offset += frameLength;
                        onMessage(kind, pattern, channel, payload);
                        continue;
                    }

                    if (!_parser.TryRead(input, out var consumed, out var value))
                    {
                        break;
                    }

                    offset += consumed;
                    Dispatch(value);
                }
            }
        }
        catch (Exception exception)
        {
            Fault(exception);
        }
    }

    private void Dispatch(RespValue value)
    {
        if (value.Type == RespType.Push || (SubscriberMode && IsResp2PubSubFrame(value)))
        {
            // An (un)subscribe confirmation is the in-order reply of the command that asked for it; when
            // that command waits in the FIFO it is completed too, so an error reply instead is matched to it.
            if (IsConfirmationOfHead(value))
            {
                CompleteHead(value);
            }

            if (PushHandler is { } handler)
            {
                handler(value);
            }
            else
            {
                // Pushes are never matched to a command: that would shift every later reply.
                RedisClientMetrics.PushDropped("unsubscribed");
                RedisClientLog.PushDropped(_logger, value.Count > 0 ? value[0].AsString() ?? "?" : "?");
            }

            return;
        }

        CompleteHead(value);
    }

    private void CompleteHead(RespValue value)
    {
        if (!_inFlight.TryDequeue(out var pending))
        {
            throw new RedisProtocolException($"{Endpoint} sent a reply that no command was waiting for: {Describe(value)}.");
        }

        Interlocked.Decrement(ref _inFlightCount);
        if (pending.TryComplete(value))
        {
            if (value.IsError)
            {
                RedisClientMetrics.CommandFailed("server_error");
            }
            else
            {
                RedisClientMetrics.CommandCompleted(_time, pending.StartTimestamp);
            }
        }

        pending.ReleaseTransport();
    }

    private bool IsConfirmationOfHead(RespValue value)
    {
        if (value.Count < 2 || !_inFlight.TryPeek(out var head))
        {
            return false;
        }

        var kind = value[0].Bytes.Span;
        return kind.EndsWith("subscribe"u8) && Ascii.EqualsIgnoreCase(kind, head.CommandName);
    }

    private static bool IsResp2PubSubFrame(RespValue value)
    {
        if (value.Type != RespType.Array || value.Count < 3 || value[0].Type != RespType.BulkString)
        {
            return false;
        }

        var kind = value[0].Bytes.Span;
        return kind.SequenceEqual("message"u8) || kind.SequenceEqual("pmessage"u8) || kind.SequenceEqual("smessage"u8)
            || kind.SequenceEqual("subscribe"u8) || kind.SequenceEqual("unsubscribe"u8)
            || kind.SequenceEqual("psubscribe"u8) || kind.SequenceEqual("punsubscribe"u8)
            || kind.SequenceEqual("ssubscribe"u8) || kind.SequenceEqual("sunsubscribe"u8);
    }

    private static string Describe(RespValue value)
    {
        var text = value.ToString();
        return text.Length > 80 ? text[..80] + "…" : text;
    }
}
