using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

public sealed class RespParserMalformedTests
{
    public static TheoryData<string, string> Malformed => new()
    {
        { "missing CR", "+OK\n" },
        { "missing CR in header", "$3\nabc\r\n" },
        { "CR not before LF", "+OK\rX\n" },
        { "bare CR in simple string", "+O\rK\r\n" },
        { "bare CR in simple error", "-ERR\rx\r\n" },
        { "bulk not followed by CRLF", "$3\r\nabcd\r\n" },
        { "bulk followed by CR only", "$3\r\nabc\rx" },
        { "empty line", "\r\n" },
        { "bad type marker", "?foo\r\n" },
        { "lowercase marker", "x1\r\n" },
        { "non-numeric bulk length", "$abc\r\n" },
        { "empty bulk length", "$\r\n" },
        { "space in length", "$ 3\r\nabc\r\n" },
        { "non-numeric count", "*x\r\n" },
        { "non-numeric integer", ":12a\r\n" },
        { "empty integer", ":\r\n" },
        { "integer overflow", ":9223372036854775808\r\n" },
        { "integer double sign", ":++5\r\n" },
        { "integer plus minus", ":+-5\r\n" },
        { "integer minus plus", ":-+5\r\n" },
        { "integer decimal", ":1.0\r\n" },
        { "negative bulk length", "$-2\r\n" },
        { "negative array count", "*-2\r\n" },
        { "negative map count", "%-1\r\n" },
        { "negative set count", "~-1\r\n" },
        { "negative push count", ">-1\r\n" },
        { "negative attribute count", "|-1\r\n" },
        { "bulk error null", "!-1\r\n" },
        { "verbatim null", "=-1\r\n" },
        { "boolean x", "#x\r\n" },
        { "boolean empty", "#\r\n" },
        { "boolean long", "#tt\r\n" },
        { "boolean uppercase", "#T\r\n" },
        { "null with payload", "_x\r\n" },
        { "double text", ",abc\r\n" },
        { "double empty", ",\r\n" },
        { "double space", ", 1\r\n" },
        { "double suffix", ",1.5x\r\n" },
        { "double infinity word", ",infinity\r\n" },
        { "big number empty", "(\r\n" },
        { "big number sign only", "(-\r\n" },
        { "big number letters", "(12a\r\n" },
        { "end marker at top level", ".\r\n" },
        { "end marker in counted array", "*1\r\n.\r\n" },
        { "end marker with payload", "*?\r\n.x\r\n" },
        { "end marker in counted inside streamed", "*?\r\n*2\r\n:1\r\n.\r\n" },
        { "chunk outside streamed string", ";3\r\nabc\r\n" },
        { "non-chunk inside streamed string", "$?\r\n+OK\r\n" },
        { "negative chunk length", "$?\r\n;-1\r\n" },
        { "chunk not followed by CRLF", "$?\r\n;1\r\nab\r\n" },
        { "streamed bulk error", "!?\r\n" },
        { "streamed attribute", "|?\r\n" },
        { "streamed push", ">?\r\n" },
        { "streamed map odd", "%?\r\n+a\r\n.\r\n" },
        { "attribute before end marker", "*?\r\n|1\r\n+a\r\n+b\r\n.\r\n" },
        { "verbatim without colon", "=7\r\ntxtXabc\r\n" },
        { "verbatim shorter than prefix", "=3\r\ntxt\r\n" },
        { "verbatim colon misplaced", "=6\r\ntx:abc\r\n" },
        { "error after valid value", "*2\r\n:1\r\n$x\r\n" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_MalformedWhole_ThrowsProtocolException(string why, string frame) =>
        AssertMalformed(why, RespBytes.Of(frame), RespFeed.Whole);

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_MalformedByteByByte_ThrowsProtocolException(string why, string frame) =>
        AssertMalformed(why, RespBytes.Of(frame), RespFeed.ByteByByte);

    [Fact]
    public void TryRead_AfterResetFollowingError_ParsesNextFrame()
    {
        var parser = new RespParser();
        var act = () => RespFeed.Whole(parser, RespBytes.Of("*3\r\n$?\r\n;2\r\nab\r\n#x\r\n"));
        act.Should().Throw<RedisProtocolException>();

        parser.Reset();

        parser.HasPartialValue.Should().BeFalse();
        RespAssert.Equal([Resp.Int(5)], RespFeed.Whole(parser, RespBytes.Of(":5\r\n")));
    }

    internal static void AssertMalformed(string why, byte[] frame, Func<RespParser, byte[], List<RespValue>> feed, RespLimits? limits = null)
    {
        var act = () => feed(new RespParser(limits), frame);

        act.Should().Throw<RedisProtocolException>(why);
    }
}
