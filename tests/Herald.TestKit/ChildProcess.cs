using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Herald.TestKit;

/// <summary>What a finished child process printed and returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output, as written.</param>
/// <param name="Error">Standard error, as written.</param>
public sealed record ChildProcessResult(int ExitCode, string Output, string Error);

/// <summary>Runs a program to completion with a deadline: no standard input, both outputs captured, killed (with its children) if it overruns.</summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/>; <paramref name="configure"/> may change the start info (environment).</summary>
    /// <exception cref="TimeoutException">The process ran past <paramref name="timeout"/>; it was killed.</exception>
    /// <exception cref="InvalidOperationException">The program could not be started.</exception>
    public static async Task<ChildProcessResult> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout,
        Action<ProcessStartInfo>? configure = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in args)
            start.ArgumentList.Add(argument);
        configure?.Invoke(start);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not start '{fileName}': {exception.Message}.", exception);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(output, error);
        }
        catch (OperationCanceledException exception)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
                throw;
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} ran longer than {timeout.TotalSeconds:F0} s.", exception);
        }

        return new ChildProcessResult(process.ExitCode, await output, await error);
    }
}
