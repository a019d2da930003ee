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
        var start = new ProcessStartInfo(ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in Arguments(target, endpoint, load))
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

        var figures = ParseCsv(await output);
        if (process.ExitCode != 0 || !figures.ContainsKey("SET") || !figures.ContainsKey("GET"))
        {
            var complaint = CliErrors.OneLine((await error) + " " + (await output));
            throw new RedisBenchmarkException(string.Create(CultureInfo.InvariantCulture,
                $"redis-benchmark -c {load.Clients} exited with {process.ExitCode} without SET and GET figures: {complaint}"));
        }

        return figures;
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

    private static IEnumerable<string> Arguments(RedisOptions target, RedisEndpoint endpoint, RedisBenchmarkLoad load)
    {
        string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        yield return "-h";
        yield return endpoint.Host;
        yield return "-p";
        yield return Number(endpoint.Port);
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
            yield return Number(target.Database);
        }

        yield return "-t";
        yield return "set,get";
        yield return "-d";
        yield return Number(load.ValueSize);
        yield return "-n";
        yield return Number(load.Requests);
        yield return "-c";
        yield return Number(load.Clients);
        if (load.Pipeline > 1)
        {
            yield return "-P";
            yield return Number(load.Pipeline);
        }

        yield return "-q";
        yield return "--csv";
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
