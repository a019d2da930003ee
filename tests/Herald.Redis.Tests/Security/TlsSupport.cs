using System.Diagnostics;

namespace Herald.Redis.Tests.Security;

/// <summary>
/// Whether the installed redis-server was built with TLS. A build without it rejects the
/// <c>tls-port</c> directive ("Bad directive"), which is what is asked here, once per run.
/// </summary>
internal static class TlsSupport
{
    private static readonly Lazy<string?> s_missingReason = new(Probe);

    /// <summary>Null when TLS is available; otherwise why the TLS tests are skipped.</summary>
    public static string? MissingReason => s_missingReason.Value;

    private static string? Probe()
    {
        var server = Environment.GetEnvironmentVariable("HERALD_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        var start = new ProcessStartInfo(server, ["--port", "0", "--tls-port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill();
                return $"{server} --tls-port 0 did not exit within 20 s; TLS support unknown.";
            }

            var text = output.Result + error.Result;
            return text.Contains("Bad directive", StringComparison.Ordinal)
                ? $"{server} was built without TLS (it rejects --tls-port): {text.Trim()}"
                : null;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return $"{server} could not be started: {exception.Message}";
        }
    }
}

/// <summary>A fact that is skipped, with the reason, when redis-server has no TLS.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TlsFactAttribute : FactAttribute
{
    public TlsFactAttribute() => Skip = TlsSupport.MissingReason;
}

/// <summary>A theory that is skipped, with the reason, when redis-server has no TLS.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TlsTheoryAttribute : TheoryAttribute
{
    public TlsTheoryAttribute() => Skip = TlsSupport.MissingReason;
}
