using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Herald.Redis;

namespace Herald.Cli.Bench;

/// <summary>
/// Runs <c>redis-benchmark</c> (Redis' own C load generator) against the same server, to give every
/// figure of <c>herald bench resp</c> a ceiling measured on the same machine at the same moment.
/// </summary>
internal sealed class RedisBenchmarkTool
{
    /// <summary>Names the redis-benchmark binary to use instead of the one on <c>PATH</c>.</summary>
    public const string PathVariable = "HERALD_REDIS_BENCHMARK";

    private const string ExecutableName = "redis-benchmark";

    private RedisBenchmarkTool(string path) => ExecutablePath = path;

    public string ExecutablePath { get; }

    /// <summary>Finds redis-benchmark, or says why the comparison cannot run against <paramref name="target"/>.</summary>
    public static RedisBenchmarkTool? Locate(RedisOptions target, out string? unavailableReason)
    {
        if (target.UseTls || target.UsesSentinel)
        {
            unavailableReason = "redis-benchmark comparison skipped: TLS and sentinel targets are not passed on to redis-benchmark.";
            return null;
        }

        var path = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured ? configured : FindOnPath();
        unavailableReason = path is null || !File.Exists(path)
            ? $"redis-benchmark not found (install redis-tools, or set {PathVariable}): ratios skipped."
            : null;
        return unavailableReason is null ? new RedisBenchmarkTool(path!) : null;
    }

    /// <summary>
    /// <c>redis-benchmark -t set,get -d size -n requests -c clients [-P pipeline] -q --csv</c>; returns the
    /// figures of the SET and GET tests.
    /// </summary>
    /// <exception cref="RedisBenchmarkException">redis-benchmark failed or printed something unexpected.</exception>
    public async Task<IReadOnlyDictionary<string, RedisBenchmarkFigures>> RunAsync(
        RedisOptions target, RedisEndpoint endpoint, RedisBenchmarkLoad load, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await RunProcessAsync(Arguments(target, endpoint, load), cancellationToken);
        var figures = ParseCsv(output);
        if (exitCode != 0 || !figures.ContainsKey("SET") || !figures.ContainsKey("GET"))
        {
            var complaint = CliErrors.OneLine(error + " " + output);
            throw new RedisBenchmarkException(string.Create(CultureInfo.InvariantCulture,
                $"redis-benchmark -c {load.Clients} exited with {exitCode} without SET and GET figures: {complaint}"));
        }

        return figures;
    }

    /// <summary>
    /// <c>redis-benchmark -n requests -c clients [-P pipeline] -q --csv command…</c>: the ceiling of one custom
    /// command (such as <c>XADD key * data value</c>), for tests redis-benchmark has no <c>-t</c> name for.
    /// </summary>
    /// <exception cref="RedisBenchmarkException">redis-benchmark failed or printed something unexpected.</exception>
    public async Task<RedisBenchmarkFigures> RunCommandAsync(
        RedisOptions target, RedisEndpoint endpoint, RedisBenchmarkLoad load, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var arguments = ConnectionArguments(target, endpoint)
            .Concat(LoadArguments(load))
            .Concat(["-q", "--csv"])
            .Concat(command);
        var (exitCode, output, error) = await RunProcessAsync(arguments, cancellationToken);
        var figures = ParseCsv(output);
        if (exitCode != 0 || figures.Count == 0)
        {
            throw new RedisBenchmarkException(string.Create(CultureInfo.InvariantCulture,
                $"redis-benchmark {command[0]} exited with {exitCode} without figures: {CliErrors.OneLine(error + " " + output)}"));
        }

        return figures.Values.First();
    }

    private async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new RedisBenchmarkException($"could not start {ExecutablePath}: {exception.Message}", exception);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(output, error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Parses <c>--csv</c> output of redis-benchmark 7: a header
    /// <c>"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"</c>
    /// then one row per test. Columns are found by name, so an older two-column output still yields rps.
    /// </summary>
    public static Dictionary<string, RedisBenchmarkFigures> ParseCsv(string csv)
    {
        var figures = new Dictionary<string, RedisBenchmarkFigures>(StringComparer.OrdinalIgnoreCase);
        string[]? header = null;
        foreach (var raw in csv.Split('\n'))
        {
            var cells = raw.Trim().Split(',').Select(static cell => cell.Trim().Trim('"')).ToArray();
            if (cells.Length < 2)
            {
                continue;
            }

            if (header is null && cells[0] == "test")
            {
                header = cells;
                continue;
            }

            header ??= ["test", "rps"];
            double Cell(string name) =>
                Array.IndexOf(header, name) is var column and >= 0 && column < cells.Length
                && double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : double.NaN;

            var rps = Cell("rps");
            if (!double.IsNaN(rps))
            {
                figures[cells[0]] = new RedisBenchmarkFigures(rps, Cell("avg_latency_ms"), Cell("p50_latency_ms"), Cell("p99_latency_ms"));
            }
        }

        return figures;
    }

    private static IEnumerable<string> Arguments(RedisOptions target, RedisEndpoint endpoint, RedisBenchmarkLoad load) =>
        ConnectionArguments(target, endpoint)
            .Concat(["-t", "set,get", "-d", load.ValueSize.ToString(CultureInfo.InvariantCulture)])
            .Concat(LoadArguments(load))
            .Concat(["-q", "--csv"]);

    private static IEnumerable<string> ConnectionArguments(RedisOptions target, RedisEndpoint endpoint)
    {
        yield return "-h";
        yield return endpoint.Host;
        yield return "-p";
        yield return endpoint.Port.ToString(CultureInfo.InvariantCulture);
        if (target.Password is { } password)
        {
            yield return "-a";
            yield return password;
            if (target.User is { } user)
            {
                yield return "--user";
                yield return user;
            }
        }

        if (target.Database != 0)
        {
            yield return "--dbnum";
            yield return target.Database.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static IEnumerable<string> LoadArguments(RedisBenchmarkLoad load)
    {
        yield return "-n";
        yield return load.Requests.ToString(CultureInfo.InvariantCulture);
        yield return "-c";
        yield return load.Clients.ToString(CultureInfo.InvariantCulture);
        if (load.Pipeline > 1)
        {
            yield return "-P";
            yield return load.Pipeline.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string? FindOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(static directory => new[] { Path.Combine(directory, ExecutableName), Path.Combine(directory, ExecutableName + ".exe") })
            .FirstOrDefault(File.Exists);
}

/// <summary>One redis-benchmark run: <c>-c Clients -P Pipeline -n Requests -d ValueSize</c>.</summary>
internal sealed record RedisBenchmarkLoad(int Clients, int Pipeline, long Requests, int ValueSize);

/// <summary>One test row of redis-benchmark's CSV; latencies in milliseconds, NaN when its version does not print them.</summary>
internal sealed record RedisBenchmarkFigures(double RequestsPerSecond, double AverageMilliseconds, double P50Milliseconds, double P99Milliseconds);

/// <summary>redis-benchmark could not give figures; the comparison is skipped, the benchmark goes on.</summary>
internal sealed class RedisBenchmarkException : Exception
{
    public RedisBenchmarkException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
