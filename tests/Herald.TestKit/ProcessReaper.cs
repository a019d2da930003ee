using System.Collections.Concurrent;
using System.Diagnostics;

namespace Herald.TestKit;

/// <summary>Kills the redis processes a test run leaves behind when the test host exits.</summary>
internal static class ProcessReaper
{
    private static readonly ConcurrentDictionary<int, Process> s_live = new();

    static ProcessReaper() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process) => s_live[process.Id] = process;

    public static void Forget(Process process) => s_live.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (var process in s_live.Values)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
