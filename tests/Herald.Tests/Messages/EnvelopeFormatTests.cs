using System.Text;
using Herald.Messages;
using Herald.Redis;
using Herald.Redis.Protocol;

namespace Herald.Tests.Messages;

public sealed class EnvelopeFormatTests
{
    private static readonly DateTimeOffset s_time = new(2026, 3, 4, 5, 6, 7, 891, TimeSpan.FromHours(2));

    [Fact]
    public void FromStreamFields_WhatToStreamFieldsWrote_EveryAttributeBack()
    {
        var envelope = Sample();

        var read = EnvelopeFormat.FromStreamFields("1-0", AsEntryFields(EnvelopeFormat.ToStreamFields(envelope)));

        read.Should().BeEquivalentTo(envelope, options => options.Excluding(e => e.Data));
        read.Data.ToArray().Should().Equal(envelope.Data.ToArray());
    }

    [Theory]
    [InlineData("2026-03-04T03:06:07.891Z")]
    [InlineData("2026-03-04T05:06:07.891+02:00")]
    [InlineData("2026-03-04T03:06:07.8910000+00:00")]
    public void FromStreamFields_TimeInAnotherRfc3339Form_ReadAsTheSameInstant(string time)
    {
        var read = EnvelopeFormat.FromStreamFields("1-0", Fields(("id", "m1"), ("time", time), ("data", "x")));

        read.Time.Should().Be(s_time);
    }

    [Fact]
    public void FromStreamFields_UnreadableTime_TheEntryIdTime()
    {
        var read = EnvelopeFormat.FromStreamFields("1700000000000-0", Fields(("id", "m1"), ("time", "yesterday"), ("data", "x")));

        read.Time.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    }

    [Fact]
    public void FromStreamFields_SameTypeInTwoEntries_OneSharedString()
    {
        var first = EnvelopeFormat.FromStreamFields("1-0", Fields(("id", "a"), ("type", "shop.order.placed"), ("data", "x")));
        var second = EnvelopeFormat.FromStreamFields("2-0", Fields(("id", "b"), ("type", "shop.order.placed"), ("data", "x")));

        second.Type.Should().Be("shop.order.placed");
        ReferenceEquals(first.Type, second.Type).Should().BeTrue("a repeating attribute is decoded once");
        ReferenceEquals(first.Id, second.Id).Should().BeFalse();
    }

    [Fact]
    public void FromFramed_WhatToFramedWrote_EveryAttributeBack()
    {
        var envelope = Sample();

        var read = EnvelopeFormat.FromFramed(EnvelopeFormat.ToFramed(envelope), () => "fresh", s_time);

        read.Should().BeEquivalentTo(envelope, options => options.Excluding(e => e.Data));
        read.Data.ToArray().Should().Equal(envelope.Data.ToArray());
    }

    [Fact]
    public void FromFramed_EscapedPropertyNamesAndValues_ReadAsUnescaped()
    {
        var frame = """{"specversion":"1.0","\u0069d":"m1","typ\u0065":"shop.\u006Frder","source":"a\"b","time":"2026-03-04T03:06:07.891Z","unknown":{"x":[1,2]},"data":{"n":1}}"""u8.ToArray();

        var read = EnvelopeFormat.FromFramed(frame, () => "fresh", s_time);

        read.Id.Should().Be("m1");
        read.Type.Should().Be("shop.order");
        read.Source.Should().Be("a\"b");
        read.Time.Should().Be(s_time);
        Encoding.UTF8.GetString(read.Data.Span).Should().Be("""{"n":1}""");
    }

    [Fact]
    public void FromFramed_AttributeOfTheWrongJsonType_ForeignMessage()
    {
        var frame = """{"specversion":"1.0","id":"m1","type":7}"""u8.ToArray();

        var read = EnvelopeFormat.FromFramed(frame, () => "fresh", s_time);

        read.Id.Should().Be("fresh", "a value that is not a CloudEvent is a foreign message, whole");
        read.Data.ToArray().Should().Equal(frame);
    }

    [Fact]
    public void Utf8StringCache_LongOrInvalidText_DecodedLikeUtf8GetString()
    {
        var cache = new Utf8StringCache(2);
        byte[] invalid = [0x61, 0xFF, 0x62];
        var longText = Encoding.UTF8.GetBytes(new string('é', 100));

        cache.Get(invalid).Should().Be(Encoding.UTF8.GetString(invalid));
        cache.Get(longText).Should().Be(Encoding.UTF8.GetString(longText));
        cache.Get("a"u8).Should().Be("a");
        cache.Get("b"u8).Should().Be("b");
        cache.Get("c"u8).Should().Be("c", "past its capacity the cache still decodes, it only stops keeping");
    }

    private static MessageEnvelope Sample() => new()
    {
        Id = "01JABCDEF0123456789ABCDEFG",
        Type = "shop.order.placed",
        Source = "checkout",
        Time = s_time,
        DataContentType = "application/json",
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        PartitionKey = "customer-7",
        Attempt = 3,
        Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["tenant"] = "acme" },
        Data = """{"total":12.5}"""u8.ToArray(),
    };

    private static KeyValuePair<string, ReadOnlyMemory<byte>>[] AsEntryFields(List<RedisArg> args)
    {
        var fields = new KeyValuePair<string, ReadOnlyMemory<byte>>[args.Count / 2];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new(Encoding.UTF8.GetString(args[2 * i].ToBytes()), args[(2 * i) + 1].ToBytes());
        }

        return fields;
    }

    private static KeyValuePair<string, ReadOnlyMemory<byte>>[] Fields(params (string Name, string Value)[] fields) =>
        [.. fields.Select(static f => new KeyValuePair<string, ReadOnlyMemory<byte>>(f.Name, Encoding.UTF8.GetBytes(f.Value)))];
}
