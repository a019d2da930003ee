using System.Text;
using Herald.Redis.Protocol;

namespace Herald.Redis.Tests.Protocol;

/// <summary>Short constructors for expected values; text is Latin-1 so that a literal can hold any byte.</summary>
internal static class Resp
{
    public static RespValue Null => RespValue.Null;

    public static RespValue Simple(string text) => RespValue.SimpleString(text);

    public static RespValue Error(string text) => RespValue.SimpleError(text);

    public static RespValue Int(long value) => RespValue.Integer(value);

    public static RespValue Bulk(string latin1) => RespValue.BulkString(RespBytes.Of(latin1));

    public static RespValue Bool(bool value) => RespValue.Boolean(value);

    public static RespValue Dbl(double value) => RespValue.Double(value);

    public static RespValue Big(string digits) => RespValue.BigNumber(Encoding.ASCII.GetBytes(digits));

    public static RespValue BulkError(string latin1) => RespValue.BulkError(RespBytes.Of(latin1));

    public static RespValue Verbatim(string format, string latin1) => RespValue.Verbatim(format, RespBytes.Of(latin1));

    public static RespValue Array(params RespValue[] items) => RespValue.Aggregate(RespType.Array, items);

    public static RespValue Map(params RespValue[] keysAndValues) => RespValue.Aggregate(RespType.Map, keysAndValues);

    public static RespValue Set(params RespValue[] items) => RespValue.Aggregate(RespType.Set, items);

    public static RespValue Push(params RespValue[] items) => RespValue.Aggregate(RespType.Push, items);

    public static RespValue Attributes(params RespValue[] keysAndValues) => RespValue.Aggregate(RespType.Attribute, keysAndValues);
}
