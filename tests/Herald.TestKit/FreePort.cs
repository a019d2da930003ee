using System.Net;
using System.Net.Sockets;

namespace Herald.TestKit;

/// <summary>Hands out free loopback ports, never the same one twice in this process.</summary>
public static class FreePort
{
    // A port handed to a server that later stops (and will restart on it) must not be reused by a
    // second server in the meantime, so every port given out stays claimed for the life of the process.
    private static readonly HashSet<int> s_claimed = [];
    private static readonly Lock s_lock = new();

    /// <summary>Binds 127.0.0.1:0, reads the port the kernel chose and releases it.</summary>
    public static int Next()
    {
        using var listener = Listen();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a listener on 127.0.0.1 on a port that was never handed out before.</summary>
    internal static TcpListener Listen()
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (s_lock)
            {
                if (s_claimed.Add(port))
                    return listener;
            }

            listener.Stop();
        }
    }
}
