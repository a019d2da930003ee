using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>
/// Drives <c>herald lag --watch</c> on a real terminal (tmux, 160×40): the table is redrawn in place as lag changes,
/// and Ctrl+C ends it with exit code 0.
/// </summary>
public sealed class LagWatchTerminalTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_screenTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LagWatch_OnATerminal_RedrawsInPlaceAsLagChangesAndCtrlCExitsZero()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("first"));
        await using var tmux = await Tmux.StartAsync(
            $"dotnet {Quote(HeraldTool.AssemblyPath)} --redis {redis.Url} --prefix {Quote(kit.Prefix)} lag --watch --interval 300ms; echo \"herald exited with $?\"; exec cat");

        await tmux.UntilScreenAsync(screen => BillingLag(screen) == "1", "the first table shows billing one behind");
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"more-{i}")));
        var updated = await tmux.UntilScreenAsync(screen => BillingLag(screen) == "6", "the table shows the new lag");

        updated.Split('\n').Count(l => l.Contains("billing", StringComparison.Ordinal)).Should().Be(1, "the table is redrawn in place, not printed again:\n" + updated);
        updated.Should().Contain("stream:orders").And.Contain("Ctrl+C");

        await tmux.SendKeysAsync("C-c");
        await tmux.UntilScreenAsync(screen => screen.Contains("herald exited with 0", StringComparison.Ordinal), "Ctrl+C ends the watch with exit code 0");
    }

    // The Lag cell of billing's row: the first word after the group's name, whatever the box characters are.
    private static string? BillingLag(string screen)
    {
        var row = screen.Split('\n').FirstOrDefault(l => l.Contains(" billing ", StringComparison.Ordinal));
        var words = row?.Split([' ', '│', '|', '┃'], StringSplitOptions.RemoveEmptyEntries);
        return words is null ? null : words.SkipWhile(w => w != "billing").Skip(1).FirstOrDefault();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A tmux server of this test's own (its own socket), so its environment is the test's and nothing else is touched.</summary>
    private sealed class Tmux : IAsyncDisposable
    {
        private readonly string _socket = "herald-test-" + Guid.NewGuid().ToString("N")[..12];

        public static async Task<Tmux> StartAsync(string shellCommand)
        {
            var tmux = new Tmux();
            try
            {
                await tmux.RunAsync("new-session", "-d", "-s", "lag", "-x", "160", "-y", "40", shellCommand);
            }
            catch (InvalidOperationException exception)
            {
                throw new InvalidOperationException($"tmux is needed for this terminal test and could not be started ({exception.Message}): install it (test.sh does, apt-get install tmux).", exception);
            }

            return tmux;
        }

        public async Task SendKeysAsync(string keys) => await RunAsync("send-keys", "-t", "lag", keys);

        /// <summary>Polls the visible screen until <paramref name="condition"/> holds, and returns that screen.</summary>
        public async Task<string> UntilScreenAsync(Func<string, bool> condition, string because)
        {
            var screen = string.Empty;
            var clock = Stopwatch.StartNew();
            try
            {
                await Wait.UntilAsync(async () => condition(screen = await RunAsync("capture-pane", "-p", "-t", "lag")), s_screenTimeout, because);
            }
            catch (TimeoutException exception)
            {
                throw new TimeoutException($"{exception.Message} (after {clock.Elapsed.TotalSeconds:0} s); the screen was:\n{screen}", exception);
            }

            return screen;
        }

        public async ValueTask DisposeAsync()
        {
            await ChildProcess.RunAsync("tmux", ["-L", _socket, "kill-server"], TimeSpan.FromSeconds(30));
        }

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
}
