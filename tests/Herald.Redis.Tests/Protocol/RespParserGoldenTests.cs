using System.Buffers;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

public sealed class RespParserGoldenTests
{
    public static TheoryData<string> Vectors => RespGoldenVectors.Names;

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TryRead_WholeFrame_ReturnsExpectedValue(string name) =>
        AssertParses(name, length => [("whole", [length])]);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TryRead_SplitAtEveryBoundary_ReturnsExpectedValue(string name) =>
        AssertParses(name, length => Enumerable.Range(1, length - 1).Select(cut => ($"split at {cut}", (IEnumerable<int>)[cut, length - cut])));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TryRead_ByteByByte_ReturnsExpectedValue(string name) =>
        AssertParses(name, length => [("byte by byte", Enumerable.Repeat(1, length))]);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TryRead_RandomChunks_ReturnsExpectedValue(string name) =>
        AssertParses(name, length => Enumerable.Range(0, 32).Select(seed => ($"seed {seed}", RespFeed.RandomSizes(length, new Random(seed)))));

    [Fact]
    public void TryRead_AllVectorsInOneBuffer_ConsumesExactlyEachFrame()
    {
        var all = RespGoldenVectors.All;
        var buffer = all.SelectMany(vector => vector.Bytes).ToArray();
        var parser = new RespParser();

        var offset = 0;
        foreach (var vector in all)
        {
            parser.TryRead(buffer.AsSpan(offset), out var consumed, out var value).Should().BeTrue(vector.Name);

            consumed.Should().Be(vector.Bytes.Length, vector.Name);
            RespAssert.Equal(vector.Expected, value!, vector.Name);
            offset += consumed;
        }

        offset.Should().Be(buffer.Length);
        parser.HasPartialValue.Should().BeFalse();
    }

    [Fact]
    public void TryRead_AllVectorsInRandomChunks_ReturnsEveryValueInOrder()
    {
        var all = RespGoldenVectors.All;
        var buffer = all.SelectMany(vector => vector.Bytes).ToArray();
        var expected = all.Select(vector => vector.Expected).ToList();

        for (var seed = 0; seed < 64; seed++)
        {
            var values = RespFeed.RandomChunks(new RespParser(), buffer, new Random(seed));

            RespAssert.Equal(expected, values, $"(seed {seed})");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Write_CanonicalVector_ProducesTheVectorBytes(string name)
    {
        var vector = RespGoldenVectors.Get(name);
        var output = new ArrayBufferWriter<byte>();

        RespValueWriter.Write(output, vector.Expected);

        var parsed = RespFeed.Whole(new RespParser(), output.WrittenSpan.ToArray());
        RespAssert.Equal([vector.Expected], parsed);
        if (vector.Canonical)
        {
            RespBytes.Show(output.WrittenSpan).Should().Be(RespBytes.Show(vector.Bytes));
        }
    }

    // One parser serves every slicing in turn: a completed frame must leave no state behind.
    private static void AssertParses(string name, Func<int, IEnumerable<(string Label, IEnumerable<int> Sizes)>> slicings)
    {
        var vector = RespGoldenVectors.Get(name);
        var parser = new RespParser();

        foreach (var (label, sizes) in slicings(vector.Bytes.Length))
        {
            var values = RespFeed.InSizes(parser, vector.Bytes, sizes);

            RespAssert.Equal([vector.Expected], values, $"({label})");
            parser.HasPartialValue.Should().BeFalse(label);
        }
    }
}
