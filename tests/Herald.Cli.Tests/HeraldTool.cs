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
