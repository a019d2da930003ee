using System.Buffers;

namespace Herald.Redis.Connections;

internal sealed partial class RedisConnection
{
    private const int ShrinkAbove = 1024 * 1024;

    // Runs on the thread of the caller that found no write in progress. The first write usually completes
    // synchronously (loopback, small batches), saving a thread hop for a lone caller; when more was queued
    // meanwhile, the loop yields so that caller is not held hostage by other callers' traffic.
    private async Task WriteLoopAsync()
    {
        try
        {
            var first = true;
            while (true)
            {
                ArrayBufferWriter<byte> batch;
                long sequence;
                lock (_writeLock)
                {
                    if (_queuedBytes.WrittenCount == 0 || _faulted != 0)
                    {
                        _writerActive = false;
                        return;
                    }

                    batch = _queuedBytes;
                    _queuedBytes = _writingBytes;
                    _writingBytes = batch;
                    sequence = _queuedSequence;
                }

                if (!first)
                {
                    await Task.Yield();
                }

                first = false;

                // Counted as written before the write starts: a long write can fail part-way, after the
                // server has received (and run) the commands at its front, so they may have executed.
                Volatile.Write(ref _writtenSequence, sequence);
                await _stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                if (_stream is System.Net.Security.SslStream)
                {
                    await _stream.FlushAsync().ConfigureAwait(false);
                }

                if (batch.Capacity > ShrinkAbove)
                {
                    // One huge command must not pin a huge buffer for the connection's lifetime.
                    batch = new ArrayBufferWriter<byte>(4096);
                    lock (_writeLock)
                    {
                        _writingBytes = batch;
                    }
                }
                else
                {
                    batch.ResetWrittenCount();
                }
            }
        }
        catch (Exception exception)
        {
            lock (_writeLock)
            {
                _writerActive = false;
            }

            Fault(exception);
        }
    }
}
