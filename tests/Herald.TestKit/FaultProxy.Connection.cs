using System.Net.Sockets;

namespace Herald.TestKit;

public sealed partial class FaultProxy
{
    /// <summary>One proxied client: two pumps, upstream and downstream, over a pair of sockets.</summary>
    private sealed class Connection(FaultProxy proxy, Socket client, Socket server, long downstreamBudget) : IDisposable
    {
        private const int BufferSize = 16 * 1024;
        private readonly CancellationTokenSource _closing = new();
        private long _downstreamBudget = downstreamBudget;

        public static void Abort(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }

        public void SetDownstreamBudget(long bytes) => Interlocked.Exchange(ref _downstreamBudget, bytes);

        public void Reset()
        {
            Abort(client);
            Abort(server);
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection finished while it was being reset.
            }
        }

        public void Dispose() => _closing.Dispose();

        public async Task RunAsync(CancellationToken stopping)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closing.Token);
            var upstream = PumpAsync(client, server, downstream: false, linked.Token);
            var downstream = PumpAsync(server, client, downstream: true, linked.Token);
            try
            {
                await Task.WhenAll(upstream, downstream);
            }
            finally
            {
                await _closing.CancelAsync();
                client.Close();
                server.Close();
            }
        }

        private async Task PumpAsync(Socket source, Socket destination, bool downstream, CancellationToken cancellationToken)
        {
            var buffer = new byte[BufferSize];
            try
            {
                while (true)
                {
                    var read = await source.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        // A blackhole swallows the FIN too; it is passed on once the proxy heals.
                        await Volatile.Read(ref proxy._healed).Task.WaitAsync(cancellationToken);
                        destination.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    if (!await ForwardAsync(buffer.AsMemory(0, read), destination, downstream, cancellationToken))
                    {
                        await _closing.CancelAsync();
                        return;
                    }
                }
            }
            catch (Exception exception) when (LoopbackListener.IsDisconnect(exception))
            {
                // One side failed: the other side sees a reset, as it would without the proxy.
                if (!cancellationToken.IsCancellationRequested)
                    Reset();
            }
        }

        /// <returns>False when the connection must close because its downstream budget is spent.</returns>
        private async Task<bool> ForwardAsync(ReadOnlyMemory<byte> data, Socket destination, bool downstream, CancellationToken cancellationToken)
        {
            while (!data.IsEmpty)
            {
                if (proxy.IsBlackholed)
                    return true;
                var length = Math.Min(data.Length, proxy.SliceSize ?? int.MaxValue);
                var budget = downstream ? Interlocked.Read(ref _downstreamBudget) : -1;
                if (budget >= 0)
                    length = (int)Math.Min(length, budget);
                if (length == 0)
                    return false;

                if (proxy.Latency is { Ticks: > 0 } latency)
                    await Task.Delay(latency, cancellationToken);
                if (proxy.IsBlackholed)
                    return true;

                await destination.SendAsync(data[..length], SocketFlags.None, cancellationToken);
                Interlocked.Add(ref proxy._bytesForwarded, length);
                data = data[length..];
                if (budget >= 0 && Interlocked.Add(ref _downstreamBudget, -length) == 0)
                    return false;
            }

            return true;
        }
    }
}
