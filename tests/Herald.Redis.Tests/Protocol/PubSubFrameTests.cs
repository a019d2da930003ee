using System.Text;
using FluentAssertions;
using Herald.Redis.Protocol;
using Herald.Redis.PubSub;
using Xunit;

namespace Herald.Redis.Tests.Protocol;

public sealed class PubSubFrameTests
{
    [Theory]
    [InlineData(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", SubscriptionKind.Channel, "", "ch", "hello")]
    [InlineData("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n", SubscriptionKind.Channel, "", "ch", "hello")]
    [InlineData(">3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$0\r\n\r\n", SubscriptionKind.Sharded, "", "ch", "")]
    [InlineData(">4\r\n$8\r\npmessage\r\n$3\r\nc:*\r\n$3\r\nc:1\r\n$4\r\na\r\nb\r\n", SubscriptionKind.Pattern, "c:*", "c:1", "a\r\nb")]
    public void TryRead_WholeMessageFrame_ReadsItsPartsAndLength(string frame, SubscriptionKind kind, string pattern, string channel, string payload)
    {
        var bytes = Encoding.ASCII.GetBytes(frame + "+OK\r\n");

        PubSubFrame.TryRead(bytes, long.MaxValue, out var consumed, out var readKind, out var readPattern, out var readChannel, out var readPayload)
            .Should().BeTrue();

        consumed.Should().Be(frame.Length);
        readKind.Should().Be(kind);
        Encoding.ASCII.GetString(readPattern).Should().Be(pattern);
        Encoding.ASCII.GetString(readChannel).Should().Be(channel);
        Encoding.ASCII.GetString(readPayload).Should().Be(payload);
    }

    [Theory]
    [InlineData(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")]
    [InlineData("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$-1\r\n")]
    [InlineData("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhelloX\r\n")]
    [InlineData("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$x\r\nhello\r\n")]
    [InlineData("*2\r\n$7\r\nmessage\r\n$2\r\nch\r\n")]
    [InlineData("$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n")]
    public void TryRead_AnotherOrMalformedFrame_LeavesItToTheGeneralParser(string frame)
    {
        PubSubFrame.TryRead(Encoding.ASCII.GetBytes(frame), long.MaxValue, out var consumed, out _, out _, out _, out _).Should().BeFalse();
        consumed.Should().Be(0);
    }

    [Fact]
    public void TryRead_EveryTruncationOfAFrame_ConsumesNothing()
    {
        var frame = Encoding.ASCII.GetBytes(">4\r\n$8\r\npmessage\r\n$3\r\nc:*\r\n$3\r\nc:1\r\n$5\r\nhello\r\n");
        for (var length = 0; length < frame.Length; length++)
        {
            PubSubFrame.TryRead(frame.AsSpan(0, length), long.MaxValue, out var consumed, out _, out _, out _, out _)
                .Should().BeFalse($"{length} of {frame.Length} bytes are not a whole frame");
            consumed.Should().Be(0);
        }
    }

    [Fact]
    public void TryRead_PayloadOverTheBulkLimit_LeavesItToTheGeneralParser()
    {
        var frame = Encoding.ASCII.GetBytes("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n");

        PubSubFrame.TryRead(frame, 4, out _, out _, out _, out _, out _).Should().BeFalse();
    }
}
