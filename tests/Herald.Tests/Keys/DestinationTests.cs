namespace Herald.Tests.Keys;

public sealed class DestinationTests
{
    [Theory]
    [InlineData("stream:orders", DestinationKind.Stream, "orders")]
    [InlineData("queue:jobs", DestinationKind.Queue, "jobs")]
    [InlineData("channel:shop:events", DestinationKind.Channel, "shop:events")]
    [InlineData("pattern:shop:*", DestinationKind.Pattern, "shop:*")]
    public void TryParse_KindAndName_SameAsParse(string text, DestinationKind kind, string name)
    {
        Destination.TryParse(text, out var destination).Should().BeTrue();
        destination.Should().Be(new Destination(kind, name)).And.Be(Destination.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("orders")]
    [InlineData("topic:orders")]
    [InlineData("stream:or{ders}")]
    [InlineData("stream: ")]
    public void TryParse_NotADestination_FalseWithoutThrowing(string? text)
    {
        Destination.TryParse(text, out var destination).Should().BeFalse();
        destination.Should().Be(default(Destination));
    }
}
