using System.Diagnostics;
using System.Globalization;

namespace Herald.TestKit;

/// <summary>
/// A private redis-server process on a free loopback port with its own temporary data folder.
/// Stop, kill and restart it to simulate outages; dispose it to remove every trace.
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);

    private readonly RedisServerOptions _options;
    private readonly SentinelMonitor? _sentinel;
    private readonly string _configPath;
    private readonly string _logPath;
    private readonly Lock _logLock = new();
    private Process? _process;
    private StreamWriter? _log;
    private int _disposed;

    private RedisServer(RedisServerOptions options, SentinelMonitor? sentinel, int port, string dataDirectory)
    {
        _options = options;
        _sentinel = sentinel;
        Port = port;
        DataDirectory = dataDirectory;
        _configPath = Path.Combine(dataDirectory, sentinel is null ? "redis.conf" : "sentinel.conf");
        _logPath = Path.Combine(dataDirectory, "redis.log");
        if (options.Tls)
            Certificates = TestCertificates.Create(Path.Combine(dataDirectory, "tls"));
    }

    /// <summary>Always <c>127.0.0.1</c>.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The loopback port, the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary><c>redis://127.0.0.1:port</c>, or <c>rediss://</c> with TLS; never carries credentials.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"{(_options.Tls ? "rediss" : "redis")}://{Host}:{Port}");

    /// <summary>The server's own folder: configuration, log (<c>redis.log</c>), AOF files and certificates.</summary>
    public string DataDirectory { get; }

    /// <summary>The generated certificates when the server runs with TLS.</summary>
    public TestCertificates? Certificates { get; }

    /// <summary>The options the server was started with.</summary>
    public RedisServerOptions Options => _options;

    /// <summary>The id of the current (or last) redis-server process.</summary>
    public int ProcessId { get; private set; }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a redis-server and returns once it answers PING.</summary>
    public static Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(options ?? new RedisServerOptions(), sentinel: null, cancellationToken);

    /// <summary>Stops the server (<c>SHUTDOWN NOSAVE NOW</c>, or a kill if that fails) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        if (!process.HasExited)
        {
            try
            {
                using var timeout = new CancellationTokenSource(s_stopTimeout);
                await CliAsync(["SHUTDOWN", "NOSAVE", "NOW"], timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception)
            {
                // Refused, timed out or redis-cli failed: a kill gets the same outcome for the test.
                KillProcess(process);
            }
        }

        await ReleaseProcessAsync(process);
    }

    /// <summary>Kills the server with SIGKILL, as a crash would, and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        KillProcess(process);
        await ReleaseProcessAsync(process);
    }

    /// <summary>Stops the server, then starts it again on the same port with the same data folder.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        Launch();
        await WaitUntilReadyAsync(ct);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await StopAsync();
        Certificates?.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open elsewhere; the folder is under the temp root and harmless.
        }
    }

    internal static async Task<RedisServer> StartAsync(RedisServerOptions options, SentinelMonitor? sentinel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var dataDirectory = Path.Combine(TempRoot, string.Create(CultureInfo.InvariantCulture, $"redis-{port}-{Guid.NewGuid():N}"));
            Directory.CreateDirectory(dataDirectory);
            var server = new RedisServer(options, sentinel, port, dataDirectory);
            try
            {
                server.WriteConfiguration();
                server.Launch();
                await server.WaitUntilReadyAsync(cancellationToken);
                return server;
            }
            catch (RedisServerStartException exception) when (exception.PortInUse && attempt < StartAttempts)
            {
                // Another process took the port between FreePort and redis-server's bind: try another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    private static string TempRoot =>
        Environment.GetEnvironmentVariable("HERALD_TESTKIT_ROOT") is { Length: > 0 } root
            ? root
            : Path.Combine(Path.GetTempPath(), "herald-testkit");

    private static void KillProcess(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }
    }

    private void Launch()
    {
        var start = new ProcessStartInfo(RedisTools.ServerPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = DataDirectory,
        };
        start.ArgumentList.Add(_configPath);
        if (_sentinel is not null)
            start.ArgumentList.Add("--sentinel");
        foreach (var argument in _options.ExtraArguments)
            start.ArgumentList.Add(argument);

        _log = new StreamWriter(new FileStream(_logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => AppendLog(line.Data);
        process.ErrorDataReceived += (_, line) => AppendLog(line.Data);
        RedisTools.Start(process);
        ProcessReaper.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        ProcessId = process.Id;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException("The server was not launched.");
        try
        {
            await Wait.UntilAsync(
                async () =>
                {
                    if (process.HasExited)
                        throw await StartFailedAsync(process, "exited during start-up");
                    return await PingAsync(cancellationToken);
                },
                s_startTimeout,
                $"redis-server on port {Port} answers PING",
                cancellationToken);
        }
        catch (TimeoutException)
        {
            KillProcess(process);
            throw await StartFailedAsync(process, $"did not answer PING within {s_startTimeout.TotalSeconds:0} s");
        }
    }

    private async Task<RedisServerStartException> StartFailedAsync(Process process, string what)
    {
        await ReleaseProcessAsync(process);
        var log = ReadLogTail();
        return new RedisServerStartException(
            $"redis-server on port {Port} {what}. Log {_logPath}:{Environment.NewLine}{log}",
            portInUse: log.Contains("Address already in use", StringComparison.Ordinal));
    }

    private async Task ReleaseProcessAsync(Process process)
    {
        using (var timeout = new CancellationTokenSource(s_stopTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                KillProcess(process);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        ProcessReaper.Forget(process);
        process.Dispose();
        if (ReferenceEquals(_process, process))
            _process = null;
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
            return;
        lock (_logLock)
            _log?.WriteLine(line);
    }

    private string ReadLogTail()
    {
        lock (_logLock)
        {
            if (!File.Exists(_logPath))
                return "(no log)";
            using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(30));
        }
    }
}
