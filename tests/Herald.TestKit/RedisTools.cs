using System.ComponentModel;
using System.Diagnostics;

namespace Herald.TestKit;

/// <summary>Finds the redis binaries and starts them with a helpful error when they are missing.</summary>
internal static class RedisTools
{
    public static string ServerPath => Environment.GetEnvironmentVariable("HERALD_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";

    public static string CliPath => Environment.GetEnvironmentVariable("HERALD_REDIS_CLI") is { Length: > 0 } path ? path : "redis-cli";

    public static void Start(Process process)
    {
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"Could not start '{process.StartInfo.FileName}': {exception.Message}. Install Redis with 'scripts/redis.sh install' (apt-get install redis-server redis-tools).",
                exception);
        }
    }
}
