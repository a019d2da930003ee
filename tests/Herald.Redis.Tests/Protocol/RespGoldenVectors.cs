using Herald.Redis.Protocol;
using static Herald.Redis.Tests.Protocol.Resp;

namespace Herald.Redis.Tests.Protocol;

/// <summary>
/// One frame as a server may send it and the value it means. <see cref="Canonical"/> frames are exactly what
/// <see cref="RespValueWriter.Write"/> produces for the value (no streamed forms, no optional signs).
/// </summary>
internal sealed record RespGoldenVector(string Name, byte[] Bytes, RespValue Expected, bool Canonical);

/// <summary>Golden vectors for every RESP2 and RESP3 type, each written out by hand from the RESP3 specification.</summary>
internal static class RespGoldenVectors
{
    public static IReadOnlyList<RespGoldenVector> All { get; } =
    [
        V("simple-string", "+OK\r\n", Simple("OK")),
        V("simple-string-spaces", "+hello world\r\n", Simple("hello world")),
        V("simple-string-empty", "+\r\n", Simple(string.Empty)),
        V("simple-error", "-ERR unknown command 'FOO'\r\n", Error("ERR unknown command 'FOO'")),
        V("integer-zero", ":0\r\n", Int(0)),
        V("integer-small", ":42\r\n", Int(42)),
        V("integer-large", ":1234567\r\n", Int(1234567)),
        V("integer-negative", ":-17\r\n", Int(-17)),
        V("integer-plus-sign", ":+42\r\n", Int(42), canonical: false),
        V("integer-max", ":9223372036854775807\r\n", Int(long.MaxValue)),
        V("integer-min", ":-9223372036854775808\r\n", Int(long.MinValue)),
        V("bulk-string", "$5\r\nhello\r\n", Bulk("hello")),
        V("bulk-string-empty", "$0\r\n\r\n", Bulk(string.Empty)),
        V("bulk-string-binary", "$10\r\na\r\nb\0\xff\r\r\n\n\r\n", Bulk("a\r\nb\0\xff\r\r\n\n")),
        V("bulk-string-null", "$-1\r\n", Null, canonical: false),
        V("array", "*2\r\n$3\r\nfoo\r\n:7\r\n", Array(Bulk("foo"), Int(7))),
        V("array-empty", "*0\r\n", Array()),
        V("array-nested", "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n", Array(Array(Int(1), Int(2), Int(3)), Array(Simple("Hello"), Error("World")))),
        V("array-null", "*-1\r\n", Null, canonical: false),
        V("array-with-nulls", "*3\r\n$-1\r\n_\r\n*-1\r\n", Array(Null, Null, Null), canonical: false),
        V("array-empty-inside", "*2\r\n*0\r\n%0\r\n", Array(Array(), Map())),
        V("null", "_\r\n", Null),
        V("boolean-true", "#t\r\n", Bool(true)),
        V("boolean-false", "#f\r\n", Bool(false)),
        V("double", ",1.5\r\n", Dbl(1.5)),
        V("double-negative", ",-0.25\r\n", Dbl(-0.25)),
        V("double-exponent", ",1e10\r\n", Dbl(1e10), canonical: false),
        V("double-inf", ",inf\r\n", Dbl(double.PositiveInfinity)),
        V("double-negative-inf", ",-inf\r\n", Dbl(double.NegativeInfinity)),
        V("double-nan", ",nan\r\n", Dbl(double.NaN)),
        V("double-integral", ",10\r\n", Dbl(10)),
        V("big-number", "(3492890328409238509324850943850943825024385\r\n", Big("3492890328409238509324850943850943825024385")),
        V("big-number-negative", "(-3492890328409238509324850943850943825024385\r\n", Big("-3492890328409238509324850943850943825024385")),
        V("bulk-error", "!21\r\nSYNTAX invalid syntax\r\n", BulkError("SYNTAX invalid syntax")),
        V("bulk-error-multiline", "!10\r\nERR a\r\nbcd\r\n", BulkError("ERR a\r\nbcd")),
        V("verbatim-txt", "=15\r\ntxt:Some string\r\n", Verbatim("txt", "Some string")),
        V("verbatim-mkd", "=13\r\nmkd:# Hi\r\n*x*\r\n", Verbatim("mkd", "# Hi\r\n*x*")),
        V("verbatim-empty", "=4\r\ntxt:\r\n", Verbatim("txt", string.Empty)),
        V("map", "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n", Map(Simple("first"), Int(1), Simple("second"), Int(2))),
        V("map-empty", "%0\r\n", Map()),
        V("map-nested", "%1\r\n$1\r\nk\r\n%1\r\n*1\r\n:1\r\n~1\r\n_\r\n", Map(Bulk("k"), Map(Array(Int(1)), Set(Null)))),
        V("set", "~3\r\n+orange\r\n+apple\r\n#t\r\n", Set(Simple("orange"), Simple("apple"), Bool(true))),
        V("set-empty", "~0\r\n", Set()),
        V(
            "attribute-top-level",
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
            Array(Int(2039123), Int(9543892)).WithAttributes(
                Attributes(Simple("key-popularity"), Map(Bulk("a"), Dbl(0.1923), Bulk("b"), Dbl(0.0012))))),
        V(
            "attribute-nested",
            "*3\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n:3\r\n",
            Array(Int(1), Int(2).WithAttributes(Attributes(Simple("ttl"), Int(3600))), Int(3))),
        V(
            "attribute-on-scalar",
            "|1\r\n+a\r\n+b\r\n$2\r\nhi\r\n",
            Bulk("hi").WithAttributes(Attributes(Simple("a"), Simple("b")))),
        V(
            "attribute-in-map-value",
            "%1\r\n+k\r\n|1\r\n+x\r\n#f\r\n*1\r\n|1\r\n+y\r\n_\r\n:5\r\n",
            Map(Simple("k"), Array(Int(5).WithAttributes(Attributes(Simple("y"), Null))).WithAttributes(Attributes(Simple("x"), Bool(false))))),
        V("push", ">3\r\n$7\r\nmessage\r\n$4\r\nchan\r\n$5\r\nhello\r\n", Push(Bulk("message"), Bulk("chan"), Bulk("hello"))),
        V("push-empty", ">0\r\n", Push()),
        V("streamed-string", "$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n", Bulk("Hello word"), canonical: false),
        V("streamed-string-empty", "$?\r\n;0\r\n", Bulk(string.Empty), canonical: false),
        V("streamed-string-binary", "$?\r\n;2\r\n\r\n\r\n;3\r\n\n\0\r\r\n;0\r\n", Bulk("\r\n\n\0\r"), canonical: false),
        V("streamed-array", "*?\r\n:1\r\n:2\r\n:3\r\n.\r\n", Array(Int(1), Int(2), Int(3)), canonical: false),
        V("streamed-array-empty", "*?\r\n.\r\n", Array(), canonical: false),
        V("streamed-map", "%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n", Map(Simple("a"), Int(1), Simple("b"), Int(2)), canonical: false),
        V("streamed-set", "~?\r\n+a\r\n+b\r\n.\r\n", Set(Simple("a"), Simple("b")), canonical: false),
        V(
            "streamed-nested",
            "*?\r\n*2\r\n$?\r\n;1\r\na\r\n;0\r\n~?\r\n.\r\n%?\r\n|1\r\n+m\r\n+n\r\n+k\r\n*?\r\n.\r\n.\r\n.\r\n",
            Array(Array(Bulk("a"), Set()), Map(Simple("k").WithAttributes(Attributes(Simple("m"), Simple("n"))), Array())),
            canonical: false),
    ];

    public static TheoryData<string> Names => [.. All.Select(vector => vector.Name)];

    public static RespGoldenVector Get(string name) => All.Single(vector => vector.Name == name);

    private static RespGoldenVector V(string name, string latin1, RespValue expected, bool canonical = true) =>
        new(name, RespBytes.Of(latin1), expected, canonical);
}
