using System.Text;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

/// <summary>
/// Seeded random RESP values of every type, nested a few levels, some carrying attributes. The same seed
/// gives the same values, so a failure names the seed that reproduces it.
/// </summary>
internal sealed class RespValueGenerator(Random random, int maxDepth = 4)
{
    private static readonly long[] s_integers = [0, 1, -1, 1022, 1023, -2, long.MaxValue, long.MinValue, long.MinValue + 1];
    private static readonly double[] s_doubles =
        [0, -0.0, 1.5, -0.25, 10, 1e10, 1e300, -1e-300, double.Epsilon, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    private static readonly RespType[] s_scalars =
    [
        RespType.SimpleString, RespType.SimpleError, RespType.Integer, RespType.BulkString, RespType.Null, RespType.Boolean,
        RespType.Double, RespType.BigNumber, RespType.BulkError, RespType.VerbatimString,
    ];

    private static readonly RespType[] s_aggregates = [RespType.Array, RespType.Map, RespType.Set, RespType.Push];

    public RespValue Next() => Next(0);

    private RespValue Next(int depth)
    {
        var aggregate = depth < maxDepth && random.Next(3) == 0;
        var value = aggregate ? NextAggregate(depth) : NextScalar(s_scalars[random.Next(s_scalars.Length)]);
        return depth < maxDepth && random.Next(10) == 0 ? value.WithAttributes(NextAttributes(depth)) : value;
    }

    private RespValue NextAttributes(int depth)
    {
        var items = new RespValue[2 * random.Next(3)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Next(depth + 1);
        }

        return RespValue.Aggregate(RespType.Attribute, items);
    }

    private RespValue NextAggregate(int depth)
    {
        var type = s_aggregates[random.Next(s_aggregates.Length)];
        var count = random.Next(6);
        var items = new RespValue[type == RespType.Map ? count * 2 : count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Next(depth + 1);
        }

        return RespValue.Aggregate(type, items);
    }

    private RespValue NextScalar(RespType type) => type switch
    {
        RespType.SimpleString => RespValue.SimpleString(Text()),
        RespType.SimpleError => RespValue.SimpleError("ERR " + Text()),
        RespType.Integer => RespValue.Integer(random.Next(2) == 0 ? s_integers[random.Next(s_integers.Length)] : random.NextInt64(long.MinValue, long.MaxValue)),
        RespType.BulkString => RespValue.BulkString(Binary()),
        RespType.Null => RespValue.Null,
        RespType.Boolean => RespValue.Boolean(random.Next(2) == 0),
        RespType.Double => RespValue.Double(random.Next(2) == 0 ? s_doubles[random.Next(s_doubles.Length)] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20))),
        RespType.BigNumber => RespValue.BigNumber(Encoding.ASCII.GetBytes((random.Next(2) == 0 ? "-" : string.Empty) + Digits())),
        RespType.BulkError => RespValue.BulkError(Binary()),
        _ => RespValue.Verbatim(random.Next(2) == 0 ? "txt" : "mkd", Binary()),
    };

    private string Text()
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-_'\"$*%~|>.;#,(!=";
        return new string([.. Enumerable.Range(0, random.Next(12)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
    }

    private string Digits() => new([.. Enumerable.Range(0, random.Next(1, 60)).Select(_ => (char)('0' + random.Next(10)))]);

    // Any byte, with CR and LF over-represented: they are what a binary-safe payload must survive.
    private byte[] Binary()
    {
        var bytes = new byte[random.Next(4) == 0 ? random.Next(300) : random.Next(12)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = random.Next(4) == 0 ? (byte)"\r\n"[random.Next(2)] : (byte)random.Next(256);
        }

        return bytes;
    }
}
