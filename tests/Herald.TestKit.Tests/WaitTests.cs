using System.Diagnostics;

namespace Herald.TestKit.Tests;

public sealed class WaitTests
{
    [Fact]
    public async Task UntilAsync_ConditionBecomesTrue_Returns()
    {
        var polls = 0;

        await Wait.UntilAsync(() => ++polls == 3);

        polls.Should().Be(3);
    }

    [Fact]
    public async Task UntilAsync_NeverTrue_ThrowsTimeoutWithReason()
    {
        var clock = Stopwatch.StartNew();

        var act = () => Wait.UntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(100), "the moon turns blue");

        await act.Should().ThrowAsync<TimeoutException>().WithMessage("*the moon turns blue*");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void FreePort_Next_NeverRepeatsInProcess()
    {
        var ports = Enumerable.Range(0, 200).Select(_ => FreePort.Next()).ToList();

        ports.Should().OnlyHaveUniqueItems().And.OnlyContain(p => p > 0 && p < 65536);
    }
}
