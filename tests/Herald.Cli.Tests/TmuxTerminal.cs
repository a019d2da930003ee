using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>
/// A real terminal (tmux, 160×40) running one shell command, for the tests of commands that redraw in place
/// (<c>lag --watch</c>, <c>stats --watch</c>). A tmux server of its own (its own socket), so its environment is
/// the test's and nothing else is touched.
/// </summary>
internal sealed class TmuxTerminal : IAsyncDisposable
{
    private const string Session = "herald";
    private static readonly TimeSpan s_screenTimeout = TimeSpan.FromSeconds(60);

    private readonly string _socket = "herald-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Starts <c>herald args</c> on a terminal; when it ends, the shell prints <c>herald exited with &lt;code&gt;</c>
    /// and keeps the screen as it was.
    /// </summary>
    public static async Task<TmuxTerminal> StartHeraldAsync(params string[] args)
    {
        var command = $"dotnet {Quote(HeraldTool.AssemblyPath)} {string.Join(' ', args.Select(Quote))}; echo \"herald exited with $?\"; exec cat";
        var tmux = new TmuxTerminal();
        try
        {
            await tmux.RunAsync("new-session", "-d", "-s", Session, "-x", "160", "-y", "40", command);
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidOperationException($"tmux is needed for this terminal test and could not be started ({exception.Message}): install it (test.sh does, apt-get install tmux).", exception);
        }

        return tmux;
    }

    public async Task SendKeysAsync(string keys) => await RunAsync("send-keys", "-t", Session, keys);

    /// <summary>Polls the visible screen until <paramref name="condition"/> holds, and returns that screen.</summary>
    public async Task<string> UntilScreenAsync(Func<string, bool> condition, string because)
    {
        var screen = string.Empty;
        var clock = Stopwatch.StartNew();
        try
        {
            await Wait.UntilAsync(async () => condition(screen = await RunAsync("capture-pane", "-p", "-t", Session)), s_screenTimeout, because);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message} (after {clock.Elapsed.TotalSeconds:0} s); the screen was:\n{screen}", exception);
        }

        return screen;
    }

    /// <summary>Presses Ctrl+C and waits for the tool to end with exit code 0, as stopping a watch should.</summary>
    public async Task StopAndExpectSuccessAsync()
    {
        await SendKeysAsync("C-c");
        await UntilScreenAsync(screen => screen.Contains("herald exited with 0", StringComparison.Ordinal), "Ctrl+C ends the watch with exit code 0");
    }

    /// <summary>
    /// The <paramref name="index"/>-th cell after the row label <paramref name="label"/> on <paramref name="screen"/>
    /// (0: the first after it), whatever the table's box characters are; null when there is no such row.
    /// </summary>
    public static string? Cell(string screen, string label, int index = 0)
    {
        var row = screen.Split('\n').FirstOrDefault(l => l.Contains($" {label} ", StringComparison.Ordinal));
        var words = row?.Split([' ', '│', '|', '┃'], StringSplitOptions.RemoveEmptyEntries);
        return words?.SkipWhile(w => w != label).Skip(1 + index).FirstOrDefault();
    }

    /// <summary>How many lines of <paramref name="screen"/> hold <paramref name="text"/>: one when a table is redrawn in place.</summary>
    public static int Lines(string screen, string text) => screen.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.RunAsync("tmux", ["-L", _socket, "kill-server"], TimeSpan.FromSeconds(30));
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task<string> RunAsync(params string[] args)
    {
        var run = await ChildProcess.RunAsync("tmux", ["-L", _socket, .. args], TimeSpan.FromSeconds(30), start =>
        {
            start.Environment.Remove("HERALD_REDIS");
            start.Environment.Remove("HERALD_PREFIX");
            start.Environment["LANG"] = "C.UTF-8";
        });
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited with {run.ExitCode}: {run.Error}");
        }

        return run.Output;
    }
}
