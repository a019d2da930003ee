using System.Buffers;
using System.Text;
using Herald.Redis.Protocol;
using static Herald.Redis.Tests.Protocol.Resp;

namespace Herald.Redis.Tests.Protocol;

public sealed class RespValueWriterTests
{
    private const int RandomValues = 3000;

    private static readonly Dictionary<string, (RespValue Value, string Resp3, string Resp2)> s_cases = new(StringComparer.Ordinal)
    {
        ["null"] = (Null, "_\r\n", "$-1\r\n"),
        ["true"] = (Bool(true), "#t\r\n", ":1\r\n"),
        ["false"] = (Bool(false), "#f\r\n", ":0\r\n"),
        ["double"] = (Dbl(1.5), ",1.5\r\n", "$3\r\n1.5\r\n"),
        ["double-inf"] = (Dbl(double.NegativeInfinity), ",-inf\r\n", "$4\r\n-inf\r\n"),
        ["double-nan"] = (Dbl(double.NaN), ",nan\r\n", "$3\r\nnan\r\n"),
        ["big-number"] = (Big("-123456789012345678901234567890"), "(-123456789012345678901234567890\r\n", "$31\r\n-123456789012345678901234567890\r\n"),
        ["bulk-error"] = (BulkError("ERR a\r\nb"), "!8\r\nERR a\r\nb\r\n", "-ERR a  b\r\n"),
        ["verbatim"] = (Verbatim("txt", "hi"), "=6\r\ntxt:hi\r\n", "$2\r\nhi\r\n"),
        ["map"] = (Map(Simple("a"), Int(1)), "%1\r\n+a\r\n:1\r\n", "*2\r\n+a\r\n:1\r\n"),
        ["set"] = (Set(Int(1), Null), "~2\r\n:1\r\n_\r\n", "*2\r\n:1\r\n$-1\r\n"),
        ["push"] = (Push(Bulk("message"), Bulk("c")), ">2\r\n$7\r\nmessage\r\n$1\r\nc\r\n", "*2\r\n$7\r\nmessage\r\n$1\r\nc\r\n"),
        ["attributes"] = (
            Array(Int(1).WithAttributes(Attributes(Simple("ttl"), Int(9)))).WithAttributes(Attributes(Simple("a"), Null)),
            "|1\r\n+a\r\n_\r\n*1\r\n|1\r\n+ttl\r\n:9\r\n:1\r\n",
            "*1\r\n:1\r\n"),
        ["nested"] = (
            Map(Bulk("k"), Set(Map(), Push())),
            "%1\r\n$1\r\nk\r\n~2\r\n%0\r\n>0\r\n",
            "*2\r\n$1\r\nk\r\n*2\r\n*0\r\n*0\r\n"),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_KnownValue_WritesResp3(string name) =>
        RespBytes.Show(Written(RespValueWriter.Write, s_cases[name].Value)).Should().Be(RespBytes.Show(RespBytes.Of(s_cases[name].Resp3)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteResp2_KnownValue_WritesWhatRedisSendsRespTwoClients(string name) =>
        RespBytes.Show(Written(RespValueWriter.WriteResp2, s_cases[name].Value)).Should().Be(RespBytes.Show(RespBytes.Of(s_cases[name].Resp2)));

    [Fact]
    public void WriteResp2_BareAttributeMap_ThrowsArgumentException()
    {
        var act = () => Written(RespValueWriter.WriteResp2, Attributes(Simple("a"), Int(1)));

        act.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    public void Write_SimpleLineWithLineBreak_ThrowsArgumentException(string text)
    {
        var simple = () => Written(RespValueWriter.Write, Simple(text));
        var error = () => Written(RespValueWriter.WriteResp2, Array(Error(text)));

        simple.Should().Throw<ArgumentException>();
        error.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Write_NestingDeeperThanTheCallStack_Completes()
    {
        const int Depth = 200_000;
        var value = Int(7);
        for (var i = 0; i < Depth; i++)
        {
            value = Array(value);
        }

        var written = Written(RespValueWriter.Write, value);

        written.Length.Should().Be((Depth * 4) + 4);
        Encoding.ASCII.GetString(written[^8..]).Should().Be("*1\r\n:7\r\n");
    }

    [Fact]
    public void Write_RandomValues_ParseBackEqual() => AssertRoundTrips(RespValueWriter.Write, value => value);

    [Fact]
    public void WriteResp2_RandomValues_ParseBackAsTheirRespTwoShape() => AssertRoundTrips(RespValueWriter.WriteResp2, Resp2Shape);

    [Fact]
    public void Write_ManyRandomValuesInOneBuffer_ParseBackInOrder()
    {
        var generator = new RespValueGenerator(new Random(42));
        var values = Enumerable.Range(0, 500).Select(_ => generator.Next()).ToList();
        var output = new ArrayBufferWriter<byte>();
        foreach (var value in values)
        {
            RespValueWriter.Write(output, value);
        }

        var parsed = RespFeed.RandomChunks(new RespParser(), output.WrittenSpan.ToArray(), new Random(43));

        RespAssert.Equal(values, parsed);
    }

    private static void AssertRoundTrips(Action<IBufferWriter<byte>, RespValue> write, Func<RespValue, RespValue> expectedShape)
    {
        for (var seed = 0; seed < RandomValues; seed++)
        {
            var random = new Random(seed);
            var value = new RespValueGenerator(random).Next();

            var parsed = RespFeed.RandomChunks(new RespParser(), Written(write, value), random);

            RespAssert.Equal([expectedShape(value)], parsed, $"(seed {seed})");
        }
    }

    private static byte[] Written(Action<IBufferWriter<byte>, RespValue> write, RespValue value)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output, value);
        return output.WrittenSpan.ToArray();
    }

    // What a RESP2 client receives for a value, as its parser reports it.
    private static RespValue Resp2Shape(RespValue value) => value.Type switch
    {
        RespType.Boolean => Int(value.AsBoolean() ? 1 : 0),
        RespType.Double or RespType.BigNumber or RespType.VerbatimString => RespValue.BulkString(value.AsBytes()!),
        RespType.BulkError => SimpleErrorOf(value.AsBytes()!),
        RespType.Array or RespType.Map or RespType.Set or RespType.Push => RespValue.Aggregate(RespType.Array, [.. value.Items.Select(Resp2Shape)]),
        _ => value.WithAttributes(null),
    };

    // RESP2 has only one-line errors: Redis replaces the line breaks of a multi-line error with spaces.
    private static RespValue SimpleErrorOf(byte[] message)
    {
        message.AsSpan().Replace((byte)'\r', (byte)' ');
        message.AsSpan().Replace((byte)'\n', (byte)' ');
        return RespValue.FromBytes(RespType.SimpleError, message);
    }
}
