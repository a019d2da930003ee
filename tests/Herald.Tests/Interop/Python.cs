using System.Globalization;
using Herald.TestKit;

namespace Herald.Tests.Interop;

/// <summary>
/// Runs Python scripts that talk to Redis with redis-py, as a foreign producer or consumer would. The
/// interpreter is the first of <c>$HERALD_PYTHON</c>, <c>python3</c> and <c>/usr/bin/python3</c> that can
/// import the modules a test needs (Debian's python3-redis installs into /usr/bin/python3 only).
/// </summary>
internal static class Python
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string?> s_interpreters = new(StringComparer.Ordinal);
    private static readonly Lock s_lock = new();

    /// <summary>An interpreter that can import every module of <paramref name="modules"/> (comma-separated), or null.</summary>
    public static string? InterpreterFor(string modules)
    {
        lock (s_lock)
        {
            if (!s_interpreters.TryGetValue(modules, out var interpreter))
            {
                var candidates = new[] { Environment.GetEnvironmentVariable("HERALD_PYTHON"), "python3", "/usr/bin/python3" };
                interpreter = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && CanImport(c, modules));
                s_interpreters[modules] = interpreter;
            }

            return interpreter;
        }
    }

    /// <summary>Runs <see cref="PythonScripts.Prelude"/> and <paramref name="script"/> against <paramref name="server"/> with <paramref name="args"/>; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">The script failed; the message carries its standard error.</exception>
    public static async Task<string> RunAsync(string script, string modules, RedisServer server, params string[] args)
    {
        var interpreter = InterpreterFor(modules) ?? throw new InvalidOperationException($"No python3 can import {modules}.");
        var path = Path.Combine(Path.GetTempPath(), $"herald-interop-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(path, PythonScripts.Prelude + script);
        try
        {
            var (exitCode, output, error) = await ExecuteAsync(interpreter, [path, server.Host, server.Port.ToString(CultureInfo.InvariantCulture), .. args]);
            return exitCode == 0 ? output : throw new InvalidOperationException($"The Python script exited with {exitCode}:\n{error}\n{output}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static bool CanImport(string interpreter, string modules)
    {
        try
        {
            return ExecuteAsync(interpreter, ["-c", $"import {modules}"]).GetAwaiter().GetResult().ExitCode == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> ExecuteAsync(string interpreter, IReadOnlyList<string> args)
    {
        var run = await ChildProcess.RunAsync(interpreter, args, s_timeout, start => start.Environment["PYTHONIOENCODING"] = "utf-8");
        return (run.ExitCode, run.Output.Trim(), run.Error.Trim());
    }
}

/// <summary>A fact that needs python3 with <see cref="Modules"/>; skipped, saying what to install, only when no interpreter has them.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PythonFactAttribute : FactAttribute
{
    /// <summary>Modules the script imports, comma-separated. Default <c>redis</c>.</summary>
    public string Modules { get; set; } = "redis";

    public override string? Skip
    {
        get => base.Skip ?? (Python.InterpreterFor(Modules) is null
            ? $"python3 cannot import {Modules}: install it (apt-get install -y python3-redis, or pip install redis{(Modules.Contains("cryptography", StringComparison.Ordinal) ? " cryptography" : string.Empty)})."
            : null);
        set => base.Skip = value;
    }
}
