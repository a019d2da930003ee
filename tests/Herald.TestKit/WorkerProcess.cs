using System.Diagnostics;

namespace Herald.TestKit;

/// <summary>
/// The crash worker (tests/Herald.CrashWorker) as a child process that a test can SIGKILL. A test project
/// that uses it references the crash worker's project, so its assembly sits beside the tests.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public static Task<WorkerProcess> StartAsync(params string[] arguments) => StartAsync(new Dictionary<string, string>(), arguments);

    /// <summary>Starts the worker with extra environment variables (such as <c>HERALD_WORKER_HEARTBEAT_MS</c>).</summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Herald.CrashWorker.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(worker);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The crash worker did not start.");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "ready")
        {
            var error = await process.StandardError.ReadToEndAsync();
            throw new InvalidOperationException($"The crash worker failed to start: {ready} {error}");
        }

        return new WorkerProcess(process);
    }

    /// <summary>SIGKILL: no graceful stop, no final acknowledgements, nothing flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
