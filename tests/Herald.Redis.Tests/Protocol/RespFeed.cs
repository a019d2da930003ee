using Herald.Redis.Protocol;
using Xunit.Sdk;

namespace Herald.Redis.Tests.Protocol;

/// <summary>
/// Feeds bytes to a parser in a chosen slicing and checks the contract of every call on the way: each call
/// consumes at least one byte, never more than it was given, and a call that completes nothing consumes all.
/// </summary>
internal static class RespFeed
{
    public static List<RespValue> Whole(RespParser parser, byte[] data) => InSizes(parser, data, [data.Length]);

    public static List<RespValue> ByteByByte(RespParser parser, byte[] data) => InSizes(parser, data, Enumerable.Repeat(1, data.Length));

    public static List<RespValue> RandomChunks(RespParser parser, byte[] data, Random random) => InSizes(parser, data, RandomSizes(data.Length, random));

    public static IEnumerable<int> RandomSizes(int total, Random random)
    {
        while (total > 0)
        {
            // Mostly small slices (they cut headers and CRLFs), sometimes a large one.
            var size = Math.Min(total, random.Next(4) == 0 ? random.Next(1, 256) : random.Next(1, 8));
            total -= size;
            yield return size;
        }
    }

    public static List<RespValue> InSizes(RespParser parser, byte[] data, IEnumerable<int> sizes)
    {
        var values = new List<RespValue>();
        var offset = 0;
        foreach (var size in sizes)
        {
            Chunk(parser, data.AsSpan(offset, size), values);
            offset += size;
        }

        if (offset != data.Length)
        {
            throw new XunitException($"The slicing covered {offset} of {data.Length} bytes.");
        }

        return values;
    }

    public static void Chunk(RespParser parser, ReadOnlySpan<byte> chunk, List<RespValue> values)
    {
        while (!chunk.IsEmpty)
        {
            var completed = parser.TryRead(chunk, out var consumed, out var value);
            if (consumed <= 0 || consumed > chunk.Length)
            {
                throw new XunitException($"TryRead consumed {consumed} of {chunk.Length} bytes.");
            }

            if (completed)
            {
                values.Add(value!);
            }
            else if (consumed != chunk.Length)
            {
                throw new XunitException($"TryRead completed nothing but left {chunk.Length - consumed} of {chunk.Length} bytes.");
            }

            chunk = chunk[consumed..];
        }
    }
}
