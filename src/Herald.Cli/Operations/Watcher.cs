using System.Text.Json.Serialization.Metadata;
using Herald.Cli.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Herald.Cli.Operations;

/// <summary>
/// Shows what a command collects once, or with <c>--watch</c> again every interval: redrawn in place on a terminal
/// (Spectre <c>Live</c>), one JSON line per refresh when piped or with <c>--json</c>, until Ctrl+C or <c>--duration</c>
/// (both exit 0: stopping is how a watch ends).
/// </summary>
internal static class Watcher
{
    /// <summary>Shows a snapshot once, or keeps refreshing it as <paramref name="settings"/> ask.</summary>
    /// <param name="context">Where to write.</param>
    /// <param name="settings">Once or watching, and how often.</param>
    /// <param name="collect">Takes a fresh snapshot.</param>
    /// <param name="jsonType">The snapshot's type in a JSON context: <see cref="CliJsonContext.Output"/> once, <see cref="CliJsonContext.Lines"/> when watching.</param>
    /// <param name="render">Draws a snapshot; the interval is given when watching, to say how often it refreshes.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task RunAsync<T>(
        CliContext context,
        WatchSettings settings,
        Func<CancellationToken, Task<T>> collect,
        Func<CliJsonContext, JsonTypeInfo<T>> jsonType,
        Func<T, TimeSpan?, IRenderable> render,
        CancellationToken cancellationToken)
    {
        if (!settings.Watch)
        {
            context.Write(await collect(cancellationToken), jsonType(CliJsonContext.Output), (console, snapshot) => console.Write(render(snapshot, null)));
            return;
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.Duration is { } limit && limit > TimeSpan.Zero)
        {
            run.CancelAfter(limit);
        }

        if (!context.Json && context.Console.Profile.Capabilities.Interactive)
        {
            var first = await collect(cancellationToken);
            await context.Console.Live(render(first, settings.Interval)).AutoClear(false).StartAsync(display =>
                RefreshAsync(collect, settings.Interval, snapshot => { display.UpdateTarget(render(snapshot, settings.Interval)); display.Refresh(); }, run.Token));
        }
        else
        {
            var lines = jsonType(CliJsonContext.Lines);
            context.WriteJson(await collect(cancellationToken), lines);
            await RefreshAsync(collect, settings.Interval, snapshot => context.WriteJson(snapshot, lines), run.Token);
        }
    }

    // Shows a fresh snapshot every interval until stopped; the first one is already shown.
    private static async Task RefreshAsync<T>(Func<CancellationToken, Task<T>> collect, TimeSpan interval, Action<T> show, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                show(await collect(cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or --duration: the normal end of a watch.
        }
    }
}
