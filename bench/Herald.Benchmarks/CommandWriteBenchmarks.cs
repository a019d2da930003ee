using System.Buffers;
using BenchmarkDotNet.Attributes;
using Herald.Redis;

namespace Herald.Benchmarks;

/// <summary>
/// Serialising a command into the connection's output buffer (<c>RedisCommand.WriteTo</c>), which every
/// command goes through before it enters the FIFO. Steady state must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class CommandWriteBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private RedisCommand _get;
    private RedisCommand _set64;
    private RedisCommand _xadd;

    [GlobalSetup]
    public void Setup()
    {
        var value = new byte[64];
        Random.Shared.NextBytes(value);
        _get = new RedisCommand("GET", "herald:bench:key:42");
        _set64 = new RedisCommand("SET", "herald:bench:key:42", value);
        _xadd = new RedisCommand(
            "XADD", "herald:{orders}:stream", "MAXLEN", "~", 100_000, "*",
            "id", "0f8fad5b-d9cb-469f-a165-70867728950e", "type", "order.created", "attempt", 1, "data", value);
    }

    [Benchmark]
    public int Get() => Write(_get);

    [Benchmark]
    public int Set64() => Write(_set64);

    [Benchmark]
    public int Xadd14Args() => Write(_xadd);

    private int Write(in RedisCommand command)
    {
        _output.ResetWrittenCount();
        command.WriteTo(_output);
        return _output.WrittenCount;
    }
}
