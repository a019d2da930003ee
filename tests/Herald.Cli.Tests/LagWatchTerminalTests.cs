using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>
/// Drives <c>herald lag --watch</c> on a real terminal (tmux, 160×40): the table is redrawn in place as lag changes,
/// and Ctrl+C ends it with exit code 0.
/// </summary>
public sealed class LagWatchTerminalTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task LagWatch_OnATerminal_RedrawsInPlaceAsLagChangesAndCtrlCExitsZero()
    {
        var kit = OperatorKit.For(redis);
        await using var bus = await kit.BusAsync();
        await OperatorKit.JoinAndStopAsync(bus, "billing");
        await bus.PublishAsync(OperatorKit.Orders, new OrderPlaced("first"));
        await using var tmux = await TmuxTerminal.StartHeraldAsync(kit.Arguments("lag", "--watch", "--interval", "300ms"));

        // The Lag cell of billing's row: the first after the group's name.
        await tmux.UntilScreenAsync(screen => TmuxTerminal.Cell(screen, "billing") == "1", "the first table shows billing one behind");
        await bus.PublishBatchAsync(OperatorKit.Orders, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"more-{i}")));
        var updated = await tmux.UntilScreenAsync(screen => TmuxTerminal.Cell(screen, "billing") == "6", "the table shows the new lag");

        TmuxTerminal.Lines(updated, "billing").Should().Be(1, "the table is redrawn in place, not printed again:\n" + updated);
        updated.Should().Contain("stream:orders").And.Contain("Ctrl+C");

        await tmux.StopAndExpectSuccessAsync();
    }
}
