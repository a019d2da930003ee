using System.Text;
using BenchmarkDotNet.Attributes;
using Herald.Redis.Protocol;

namespace Herald.Benchmarks;

/// <summary>
/// Parsing one complete reply from a buffer, as the connection's reader does for every reply.
/// What allocates here is the reply object itself (and its payload copy); the parser's own state must not.
/// </summary>
[MemoryDiagnoser]
public class RespParserBenchmarks
{
    private readonly RespParser _parser = new();
    private byte[] _simpleString = [];
    private byte[] _bulk64 = [];
    private byte[] _arrayOf100Bulks = [];
    private byte[] _resp3Map = [];

    [GlobalSetup]
    public void Setup()
    {
        var value = new string('v', 64);
        _simpleString = Encoding.ASCII.GetBytes("+OK\r\n");
        _bulk64 = Encoding.ASCII.GetBytes($"$64\r\n{value}\r\n");

        var array = new StringBuilder("*100\r\n");
        for (var i = 0; i < 100; i++)
        {
            array.Append("$64\r\n").Append(value).Append("\r\n");
        }

        _arrayOf100Bulks = Encoding.ASCII.GetBytes(array.ToString());

        // The shape of a HELLO 3 reply: text and integer values, one nested empty array.
        _resp3Map = Encoding.ASCII.GetBytes(
            "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
            + "$2\r\nid\r\n:1234\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");
    }

    [Benchmark]
    public RespValue SimpleString() => Parse(_simpleString);

    [Benchmark]
    public RespValue Bulk64() => Parse(_bulk64);

    [Benchmark]
    public RespValue ArrayOf100Bulks() => Parse(_arrayOf100Bulks);

    [Benchmark]
    public RespValue Resp3Map() => Parse(_resp3Map);

    private RespValue Parse(byte[] input) =>
        _parser.TryRead(input, out _, out var value) ? value : throw new InvalidOperationException("The benchmark input is not one complete reply.");
}
