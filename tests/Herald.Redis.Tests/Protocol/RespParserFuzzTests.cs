using System.Buffers;
using System.Globalization;
using System.Text;
using Herald.Redis.Protocol;
using Xunit.Sdk;

namespace Herald.Redis.Tests.Protocol;

/// <summary>
/// Seeded mutation fuzzing: valid frames are corrupted and fed in random slices. The only acceptable
/// outcomes are values, a <see cref="RedisProtocolException"/>, or a partial value with every byte consumed;
/// memory stays bounded by what was received, and every call makes progress.
/// </summary>
public sealed class RespParserFuzzTests
{
    private const int Cases = 20_000;
    private const long AllocationBase = 64 * 1024;
    private const long AllocationPerInputByte = 64;

    private static readonly RespLimits s_limits = new() { MaxBulkLength = 1024 * 1024, MaxAggregateLength = 4096, MaxDepth = 32, MaxLineLength = 4096 };
    private static readonly byte[] s_interesting = "\r\n$*%~|>;.?:_#,(!=+-0123456789"u8.ToArray();
    private static readonly string[] s_numbers =
        ["-1", "-2", "0", "1", "2", "3", "10", "?", "", "+", "-", "4096", "4097", "1048576", "1048577", "999999999", "9223372036854775807", "99999999999999999999"];

    private static readonly List<byte[]> s_corpus = CreateCorpus();

    [Fact]
    public void TryRead_MutatedFrames_YieldOnlyValuesProtocolErrorsOrPartialState()
    {
        var outcomes = new int[3];
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new Random(seed);
            var input = Mutate(Pick(random), random);
            outcomes[RunCase(seed, input, random)]++;
        }

        // A fuzzer whose mutations always fail at once tests little: each outcome must be well represented.
        outcomes.Should().OnlyContain(count => count > Cases / 50, "outcomes were values, errors, partial: {0}", string.Join(", ", outcomes));
    }

    [Fact]
    public void TryRead_RandomBytes_YieldOnlyValuesProtocolErrorsOrPartialState()
    {
        for (var seed = 0; seed < Cases / 4; seed++)
        {
            var random = new Random(~seed);
            var input = new byte[random.Next(1, 64)];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = random.Next(3) == 0 ? (byte)random.Next(256) : s_interesting[random.Next(s_interesting.Length)];
            }

            RunCase(seed, input, random);
        }
    }

    // Returns 0 when everything parsed into values, 1 on a protocol error, 2 when a partial value remains.
    private static int RunCase(int seed, byte[] input, Random random)
    {
        var parser = new RespParser(s_limits);
        var values = new List<RespValue>();
        var before = GC.GetAllocatedBytesForCurrentThread();
        int outcome;
        try
        {
            var offset = 0;
            foreach (var size in RespFeed.RandomSizes(input.Length, random))
            {
                RespFeed.Chunk(parser, input.AsSpan(offset, size), values);
                offset += size;
            }

            outcome = parser.HasPartialValue ? 2 : 0;
        }
        catch (RedisProtocolException)
        {
            outcome = 1;
        }
        catch (Exception exception)
        {
            throw new XunitException($"Case {seed}: {exception.GetType().Name} for input \"{RespBytes.Show(input)}\".", exception);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBase + (AllocationPerInputByte * input.Length))
        {
            throw new XunitException($"Case {seed}: {allocated} bytes allocated for {input.Length} bytes of input \"{RespBytes.Show(input)}\".");
        }

        return outcome;
    }

    private static byte[] Pick(Random random)
    {
        var frames = random.Next(4) == 0 ? random.Next(2, 4) : 1;
        return [.. Enumerable.Range(0, frames).SelectMany(_ => s_corpus[random.Next(s_corpus.Count)])];
    }

    private static byte[] Mutate(byte[] frame, Random random)
    {
        var data = new List<byte>(frame);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] = Some(random);
                    break;
                case 1:
                    data.Insert(at, Some(random));
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 4)));
                    break;
                case 3:
                    ChangeNumber(data, at, random);
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    var length = random.Next(1, Math.Min(64, data.Count - at) + 1);
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                    break;
                default:
                    var lineEnd = data.IndexOf((byte)'\r', at);
                    if (lineEnd >= 0)
                    {
                        data[lineEnd] = Some(random);
                    }

                    break;
            }
        }

        return data.Count > 0 ? [.. data] : [Some(random)];
    }

    // Replaces the run of digits nearest after `at` (a length, count or integer) with another number.
    private static void ChangeNumber(List<byte> data, int at, Random random)
    {
        var start = data.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0)
        {
            return;
        }

        var end = start;
        while (end < data.Count && data[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        var digits = Encoding.ASCII.GetString([.. data.GetRange(start, Math.Min(end - start, 18))]);
        var replacement = random.Next(3) == 0
            ? (long.Parse(digits, CultureInfo.InvariantCulture) + random.Next(-2, 3)).ToString(CultureInfo.InvariantCulture)
            : s_numbers[random.Next(s_numbers.Length)];
        data.RemoveRange(start, end - start);
        data.InsertRange(start, Encoding.ASCII.GetBytes(replacement));
    }

    private static byte Some(Random random) =>
        random.Next(2) == 0 ? s_interesting[random.Next(s_interesting.Length)] : (byte)random.Next(256);

    private static List<byte[]> CreateCorpus()
    {
        var corpus = RespGoldenVectors.All.Select(vector => vector.Bytes).ToList();
        var generator = new RespValueGenerator(new Random(2024));
        for (var i = 0; i < 300; i++)
        {
            var output = new ArrayBufferWriter<byte>();
            var value = generator.Next();
            if (i % 2 == 0)
            {
                RespValueWriter.Write(output, value);
            }
            else
            {
                RespValueWriter.WriteResp2(output, value);
            }

            corpus.Add(output.WrittenSpan.ToArray());
        }

        return corpus;
    }
}
