using System.Diagnostics;
using System.Globalization;
using Herald.Redis;

namespace Herald.Cli.Bench;

/// <summary>
/// A closed-loop load on one multiplexed <see cref="RedisClient"/>: N callers, each sending a command and
/// awaiting its reply before sending the next, for a fixed time. This is how an application's concurrent
/// requests meet the client, so the figure includes the client's own pipelining.
/// </summary>
internal sealed class RespLoad
{
    // Each caller counts into its own cache line, so that counting costs no contention.
    private const int CounterStride = 16;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(100);

    private readonly RedisClient _client;
    private readonly string[] _keys;
    private readonly byte[] _value;
    private bool _stopping;

    public RespLoad(RedisClient client, int maxCallers, int valueSize)
    {
        _client = client;
        _keys = Enumerable.Range(0, maxCallers).Select(static i => Herald.Keys.KeySchema.Default.Scratch("bench-resp", i.ToString(CultureInfo.InvariantCulture))).ToArray();
        _value = new byte[valueSize];
        Random.Shared.NextBytes(_value);
    }

    /// <summary>The keys the load writes, for clean-up.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>
    /// Runs <paramref name="command"/> from <paramref name="callers"/> callers for <paramref name="duration"/>.
    /// With <paramref name="recordLatency"/> every round trip goes into a histogram (meant for one caller).
    /// With <paramref name="measureAllocation"/> the first fifth of the time settles, then allocation is
    /// measured over the rest, during which nothing else in the process is allowed to run (no progress).
    /// </summary>
    public async Task<LoadResult> RunAsync(
        BenchOperation command,
        int callers,
        TimeSpan duration,
        bool recordLatency,
        bool measureAllocation,
        Action<double>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(callers, _keys.Length);
        var counters = new long[callers * CounterStride];
        var histogram = recordLatency ? new LatencyHistogram() : null;
        Volatile.Write(ref _stopping, false);

        var started = Stopwatch.GetTimestamp();
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            tasks[i] = RunCallerAsync(CreateCommand(command, _keys[i]), counters, i * CounterStride, histogram);
        }

        var all = Task.WhenAll(tasks);
        AllocationFigure? allocation = null;
        try
        {
            if (measureAllocation)
            {
                var settle = duration / 5;
                await WaitAsync(all, settle, fraction => progress?.Invoke(fraction / 5), cancellationToken);
                var commandsBefore = Sum(counters);
                var bytesBefore = GC.GetTotalAllocatedBytes(precise: true);
                await WaitAsync(all, duration - settle, progress: null, cancellationToken);
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytesBefore;
                var commands = Sum(counters) - commandsBefore;
                allocation = new AllocationFigure(
                    string.Create(CultureInfo.InvariantCulture, $"{command.Name()} x {callers} callers"),
                    commands,
                    bytes,
                    commands == 0 ? 0 : Math.Round((double)bytes / commands, 2));
            }
            else
            {
                await WaitAsync(all, duration, progress, cancellationToken);
            }
        }
        finally
        {
            // Every caller stops after its current command; waiting for them keeps phases from overlapping.
            Volatile.Write(ref _stopping, true);
            await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await all;
        progress?.Invoke(1);
        return new LoadResult(Sum(counters), Stopwatch.GetElapsedTime(started), histogram, allocation);
    }

    private RedisCommand CreateCommand(BenchOperation command, string key) =>
        command == BenchOperation.Set ? new RedisCommand("SET", key, _value) : new RedisCommand("GET", key);

    // Progress is reported between short waits; a caller's failure ends the wait at once.
    private static async Task WaitAsync(Task callers, TimeSpan duration, Action<double>? progress, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (!callers.IsCompleted)
        {
            var remaining = duration - Stopwatch.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            var step = progress is null ? remaining : TimeSpan.FromTicks(Math.Min(remaining.Ticks, s_progressInterval.Ticks));
            await Task.WhenAny(callers, Task.Delay(step, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Invoke(Math.Min(1, Stopwatch.GetElapsedTime(start) / duration));
        }
    }

    private static long Sum(long[] counters)
    {
        long total = 0;
        for (var i = 0; i < counters.Length; i += CounterStride)
        {
            total += Volatile.Read(ref counters[i]);
        }

        return total;
    }

    private async Task RunCallerAsync(RedisCommand command, long[] counters, int slot, LatencyHistogram? histogram)
    {
        while (!Volatile.Read(ref _stopping))
        {
            var start = Stopwatch.GetTimestamp();
            await _client.ExecuteAsync(command, RespParsers.Ignore, CancellationToken.None);
            if (histogram is not null)
            {
                histogram.Record((long)Stopwatch.GetElapsedTime(start).TotalNanoseconds);
            }

            Volatile.Write(ref counters[slot], counters[slot] + 1);
        }
    }
}

/// <summary>The commands the RESP benchmark sends.</summary>
internal enum BenchOperation
{
    /// <summary><c>SET key value</c>.</summary>
    Set,

    /// <summary><c>GET key</c>.</summary>
    Get,
}

/// <summary>What one load phase measured.</summary>
internal sealed record LoadResult(long Commands, TimeSpan Elapsed, LatencyHistogram? Latency, AllocationFigure? Allocation)
{
    public double OpsPerSecond => Elapsed <= TimeSpan.Zero ? 0 : Commands / Elapsed.TotalSeconds;
}

internal static class BenchOperationExtensions
{
    public static string Name(this BenchOperation command) => command == BenchOperation.Set ? "SET" : "GET";
}
