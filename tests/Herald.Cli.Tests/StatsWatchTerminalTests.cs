using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>Drives <c>herald stats --watch</c> on a real terminal (tmux): the overview is redrawn in place as traffic comes in, and Ctrl+C ends it with exit code 0.</summary>
public sealed class StatsWatchTerminalTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task StatsWatch_OnATerminal_RedrawsInPlaceAsTrafficComesInAndCtrlCExitsZero()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.ReportingBusAsync();
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("first"));
        await using var tmux = await TmuxTerminal.StartHeraldAsync(kit.Arguments("stats", "--watch", "--interval", "300ms"));

        // The Total column of the Published row (the fourth figure after the label): it does not reset at a minute's turn.
        await tmux.UntilScreenAsync(screen => TmuxTerminal.Cell(screen, "Published", 3) == "1", "the first overview shows one message published");
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"more-{i}")));
        var updated = await tmux.UntilScreenAsync(screen => TmuxTerminal.Cell(screen, "Published", 3) == "6", "the overview shows the new traffic");

        TmuxTerminal.Lines(updated, "Published").Should().Be(1, "the overview is redrawn in place, not printed again:\n" + updated);
        updated.Should().Contain("Ctrl+C").And.Contain("1 stream(s)");

        await tmux.StopAndExpectSuccessAsync();
    }
}
