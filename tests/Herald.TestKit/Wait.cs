using System.Diagnostics;

namespace Herald.TestKit;

/// <summary>Polls a condition until it holds or a deadline passes: the kit's only way to wait for state.</summary>
public static class Wait
{
    /// <summary>The deadline when none is given; generous because CI machines are small and shared.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(15);

    /// <summary>Polls <paramref name="condition"/> every 15 ms until it returns true.</summary>
    /// <exception cref="TimeoutException">The deadline passed; the message carries <paramref name="because"/>.</exception>
    public static Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, because, cancellationToken);
    }

    /// <summary>Polls <paramref name="condition"/> every 15 ms until it returns true.</summary>
    /// <exception cref="TimeoutException">The deadline passed; the message carries <paramref name="because"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
                return;
            if (clock.Elapsed >= limit)
                throw new TimeoutException($"Condition not met within {limit.TotalMilliseconds:0} ms: {because ?? "no reason given"}");
            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }
}
