using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>
/// Runs the built <c>herald</c> tool as a child process (<c>dotnet Herald.Cli.dll …</c>), exactly as a user's
/// shell would, so that exit codes and the split between standard output and standard error are real.
/// </summary>
internal static class HeraldTool
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> s_assembly = new(Locate);

    /// <summary>Runs <c>herald</c> with <paramref name="args"/>; <c>HERALD_REDIS</c> is cleared unless given in <paramref name="environment"/>.</summary>
    public static async Task<HeraldRun> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await ChildProcess.RunAsync("dotnet", [s_assembly.Value, .. args], s_timeout, start =>
        {
            start.Environment.Remove("HERALD_REDIS");
            start.Environment.Remove("HERALD_TRACE");
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                start.Environment[name] = value;
        });
        return new HeraldRun(run.ExitCode, run.Output, run.Error);
    }

    public static Task<HeraldRun> RunAsync(params string[] args) => RunAsync(args, environment: null);

    /// <summary>
    /// Runs a <c>sh</c> script in which <c>$HERALD</c> starts the tool, for pipes (<c>… | $HERALD publish … -</c>,
    /// <c>$HERALD acl … | redis-cli</c>) that a plain child process cannot express.
    /// </summary>
    public static async Task<HeraldRun> RunShellAsync(string script)
    {
        var run = await ChildProcess.RunAsync("sh", ["-c", script], s_timeout, start =>
        {
            start.Environment.Remove("HERALD_REDIS");
            start.Environment.Remove("HERALD_TRACE");
            start.Environment["HERALD"] = $"dotnet {s_assembly.Value}";
        });
        return new HeraldRun(run.ExitCode, run.Output, run.Error);
    }

    /// <summary>Starts the tool and leaves it running, for commands that stop on a signal (<c>listen</c>, <c>tail --follow</c>).</summary>
    public static RunningHerald Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(s_assembly.Value);
        foreach (var argument in args)
            start.ArgumentList.Add(argument);
        start.Environment.Remove("HERALD_REDIS");
        start.Environment.Remove("HERALD_TRACE");
        return new RunningHerald(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>The built Herald.Cli.dll, for running the tool some other way (under a terminal).</summary>
    public static string AssemblyPath => s_assembly.Value;

    // The test project references Herald.Cli, so Herald.Cli.dll is copied beside the tests; its
    // runtimeconfig comes along too. Fall back to the CLI's own output folder for other layouts.
    private static string Locate()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "Herald.Cli.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
            return beside;

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Parent?.Name ?? "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Herald.Cli", "bin", configuration, "net10.0", "Herald.Cli.dll");
            if (File.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException($"Herald.Cli.dll was found neither in {AppContext.BaseDirectory} nor under src/Herald.Cli/bin/{configuration}: build Herald.Cli first.");
    }
}

/// <summary>What one run of the tool did.</summary>
internal sealed record HeraldRun(int ExitCode, string Output, string Error)
{
    /// <summary>The lines of standard error, without empty ones.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>A started <c>herald</c> process: interrupt it as Ctrl+C would, then collect what it printed.</summary>
internal sealed class RunningHerald(Process process) : IDisposable
{
    private readonly Task<string> _output = process.StandardOutput.ReadToEndAsync();
    private readonly Task<string> _error = process.StandardError.ReadToEndAsync();

    /// <summary>Sends SIGINT, what Ctrl+C sends.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end (killing it after a minute) and returns what it did.</summary>
    public async Task<HeraldRun> WaitAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException exception)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("herald did not stop within a minute.", exception);
        }

        return new HeraldRun(process.ExitCode, await _output, await _error);
    }

    public void Dispose()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
