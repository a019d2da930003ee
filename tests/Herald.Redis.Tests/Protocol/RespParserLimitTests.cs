using System.Text;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

public sealed class RespParserLimitTests
{
    private static readonly RespLimits s_small = new() { MaxBulkLength = 16, MaxAggregateLength = 4, MaxDepth = 3, MaxLineLength = 32 };

    public static TheoryData<string, string> OverLimit => new()
    {
        { "bulk string", "$17\r\n" },
        { "bulk error", "!17\r\n" },
        { "verbatim string", "=17\r\n" },
        { "streamed string", "$?\r\n;10\r\n0123456789\r\n;7\r\n" },
        { "streamed string in one chunk", "$?\r\n;17\r\n" },
        { "array count", "*5\r\n" },
        { "set count", "~5\r\n" },
        { "push count", ">5\r\n" },
        { "map pairs", "%5\r\n" },
        { "attribute pairs", "|5\r\n" },
        { "streamed array", "*?\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n" },
        { "streamed map", "%?\r\n:1\r\n:1\r\n:2\r\n:2\r\n:3\r\n:3\r\n:4\r\n:4\r\n:5\r\n:5\r\n" },
        { "depth", "*1\r\n*1\r\n*1\r\n*1\r\n" },
        { "depth of mixed aggregates", "%1\r\n:1\r\n~1\r\n*?\r\n>1\r\n" },
        { "simple string line", "+" + new string('a', 40) + "\r\n" },
        { "header line", "$" + new string('0', 40) + "1\r\n" },
        { "line without terminator", "-" + new string('e', 40) },
    };

    public static TheoryData<string, string> AtLimit => new()
    {
        { "bulk string", "$16\r\n0123456789abcdef\r\n" },
        { "streamed string", "$?\r\n;10\r\n0123456789\r\n;6\r\nabcdef\r\n;0\r\n" },
        { "array count", "*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n" },
        { "map pairs", "%4\r\n:1\r\n:1\r\n:2\r\n:2\r\n:3\r\n:3\r\n:4\r\n:4\r\n" },
        { "streamed map", "%?\r\n:1\r\n:1\r\n:2\r\n:2\r\n:3\r\n:3\r\n:4\r\n:4\r\n.\r\n" },
        { "depth", "*1\r\n*1\r\n*1\r\n:1\r\n" },
        { "simple string line", "+" + new string('a', 30) + "\r\n" },
    };

    [Theory]
    [MemberData(nameof(OverLimit))]
    public void TryRead_OverLimitWhole_ThrowsProtocolException(string what, string frame) =>
        RespParserMalformedTests.AssertMalformed(what, RespBytes.Of(frame), RespFeed.Whole, s_small);

    [Theory]
    [MemberData(nameof(OverLimit))]
    public void TryRead_OverLimitByteByByte_ThrowsProtocolException(string what, string frame) =>
        RespParserMalformedTests.AssertMalformed(what, RespBytes.Of(frame), RespFeed.ByteByByte, s_small);

    [Theory]
    [MemberData(nameof(AtLimit))]
    public void TryRead_AtLimit_ParsesValue(string what, string frame)
    {
        var values = RespFeed.ByteByByte(new RespParser(s_small), RespBytes.Of(frame));

        values.Should().ContainSingle(what);
    }

    [Theory]
    [InlineData("*16000000\r\n:1\r\n:2\r\n$3\r\nabc\r\n")]
    [InlineData("%16000000\r\n+k\r\n:2\r\n")]
    [InlineData("~16000000\r\n:1\r\n")]
    [InlineData(">16000000\r\n$7\r\nmessage\r\n")]
    [InlineData("|16000000\r\n+k\r\n")]
    [InlineData("*1\r\n*16000000\r\n*16000000\r\n:1\r\n")]
    public void TryRead_HugeAnnouncedCountFewItems_AllocatesLittle(string frame)
    {
        var limits = new RespLimits { MaxAggregateLength = 20_000_000 };

        var allocated = AllocatedWhileFeeding(limits, RespBytes.Of(frame));

        allocated.Should().BeLessThan(16 * 1024, "the count is the peer's word, not items that arrived");
    }

    [Theory]
    [InlineData("$500000000\r\n0123456789")]
    [InlineData("!500000000\r\n0123456789")]
    [InlineData("=500000000\r\ntxt:456789")]
    [InlineData("$?\r\n;500000000\r\n0123456789")]
    [InlineData("*3\r\n:1\r\n$500000000\r\n0123456789")]
    public void TryRead_HugeAnnouncedBulkFewBytes_AllocatesLittle(string frame)
    {
        var allocated = AllocatedWhileFeeding(RespLimits.Default, RespBytes.Of(frame));

        allocated.Should().BeLessThan(64 * 1024, "the length is the peer's word, not bytes that arrived");
    }

    [Fact]
    public void TryRead_64MiBBulkIn64KiBChunks_ParsesWholePayload()
    {
        const int Length = 64 * 1024 * 1024;
        const int Chunk = 64 * 1024;
        var payload = GC.AllocateUninitializedArray<byte>(Length);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 31 >> 3);
        }

        var parser = new RespParser();
        var values = new List<RespValue>();
        RespFeed.Chunk(parser, Encoding.ASCII.GetBytes($"${Length}\r\n"), values);
        for (var offset = 0; offset < Length; offset += Chunk)
        {
            RespFeed.Chunk(parser, payload.AsSpan(offset, Chunk), values);
            values.Should().BeEmpty();
        }

        RespFeed.Chunk(parser, "\r\n"u8, values);

        var value = values.Should().ContainSingle().Subject;
        value.Type.Should().Be(RespType.BulkString);
        value.Bytes.Length.Should().Be(Length);
        foreach (var index in new[] { 0, 1, Chunk - 1, Chunk, Length / 2 + 7, Length - 1 })
        {
            value.Bytes.Span[index].Should().Be(payload[index], $"byte {index}");
        }
    }

    [Fact]
    public void Validate_LimitBeyondArrayLength_Throws()
    {
        var bulk = () => new RespParser(new RespLimits { MaxBulkLength = (long)Array.MaxLength + 1 });
        var aggregate = () => new RespParser(new RespLimits { MaxAggregateLength = Array.MaxLength });

        bulk.Should().Throw<ArgumentOutOfRangeException>();
        aggregate.Should().Throw<ArgumentOutOfRangeException>("a map of that many pairs holds twice as many items");
    }

    private static long AllocatedWhileFeeding(RespLimits limits, byte[] frame)
    {
        // A first run pays for one-time costs (JIT, statics) so that the measured run counts only the parser.
        RespFeed.Whole(new RespParser(limits), frame);

        var parser = new RespParser(limits);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var values = RespFeed.Whole(parser, frame);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        values.Should().BeEmpty();
        parser.HasPartialValue.Should().BeTrue();
        return allocated;
    }
}
