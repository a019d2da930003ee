namespace Herald.Redis.Protocol;

/// <summary>The kind of a RESP2 or RESP3 value, named after the RESP3 specification.</summary>
public enum RespType : byte
{
    /// <summary><c>+</c> a short, binary-unsafe status string such as <c>OK</c>.</summary>
    SimpleString,

    /// <summary><c>-</c> an error reply in one line.</summary>
    SimpleError,

    /// <summary><c>:</c> a signed 64-bit integer.</summary>
    Integer,

    /// <summary><c>$</c> a binary-safe string (RESP3 streamed strings <c>$?</c> are joined into one).</summary>
    BulkString,

    /// <summary><c>*</c> an ordered collection.</summary>
    Array,

    /// <summary><c>_</c> RESP3 null; RESP2 <c>$-1</c> and <c>*-1</c> are reported as this type too.</summary>
    Null,

    /// <summary><c>#</c> a RESP3 boolean.</summary>
    Boolean,

    /// <summary><c>,</c> a RESP3 double, including <c>inf</c>, <c>-inf</c> and <c>nan</c>.</summary>
    Double,

    /// <summary><c>(</c> a RESP3 big number, kept as its decimal text.</summary>
    BigNumber,

    /// <summary><c>!</c> a RESP3 binary-safe error.</summary>
    BulkError,

    /// <summary><c>=</c> a RESP3 verbatim string with a three-letter format.</summary>
    VerbatimString,

    /// <summary><c>%</c> a RESP3 map; its items alternate key and value.</summary>
    Map,

    /// <summary><c>~</c> a RESP3 set.</summary>
    Set,

    /// <summary><c>|</c> RESP3 attributes: a map that annotates the value that follows it.</summary>
    Attribute,

    /// <summary><c>&gt;</c> a RESP3 out-of-band push (pub/sub messages, invalidations).</summary>
    Push,
}
