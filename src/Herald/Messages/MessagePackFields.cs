using System.Buffers;
using System.Buffers.Binary;
using Herald.Redis;

namespace Herald.Messages;

/// <summary>
/// Packs a field list as a MessagePack array of strings, the one shape Redis' Lua <c>cmsgpack.unpack</c>
/// turns back into arguments. Binary-safe (MessagePack strings carry any bytes), so an encrypted or
/// compressed body survives a trip through a sorted-set member.
/// </summary>
internal static class MessagePackFields
{
    public static byte[] Pack(IReadOnlyList<RedisArg> fields)
    {
        var output = new ArrayBufferWriter<byte>(256);
        WriteHeader(output, fields.Count, 0x90, 0xdc, 0xdd, fixLimit: 16);
        foreach (var field in fields)
        {
            var bytes = field.ToBytes();
            WriteHeader(output, bytes.Length, 0xa0, 0xda, 0xdb, fixLimit: 32, str8: true);
            output.Write(bytes);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteHeader(ArrayBufferWriter<byte> output, int length, byte fix, byte sixteen, byte thirtyTwo, int fixLimit, bool str8 = false)
    {
        var span = output.GetSpan(5);
        if (length < fixLimit)
        {
            span[0] = (byte)(fix | length);
            output.Advance(1);
        }
        else if (str8 && length <= byte.MaxValue)
        {
            span[0] = 0xd9;
            span[1] = (byte)length;
            output.Advance(2);
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = sixteen;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            output.Advance(3);
        }
        else
        {
            span[0] = thirtyTwo;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            output.Advance(5);
        }
    }
}
