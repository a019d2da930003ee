using System.Text;
using FluentAssertions;
using Herald.Redis.Protocol;
using Xunit;

namespace Herald.Redis.Tests.Protocol;

public sealed class Utf8StringCacheTests
{
    [Fact]
    public void Get_SameTextAgain_ReturnsTheSameInstance()
    {
        var cache = new Utf8StringCache(16);

        var first = cache.Get("datacontenttype"u8);
        var again = Enumerable.Range(0, 3).Select(_ => cache.Get("datacontenttype"u8)).ToList();

        first.Should().Be("datacontenttype");
        again.Should().AllSatisfy(text => text.Should().BeSameAs(first));
    }

    [Fact]
    public void Get_ManyTextsSharingSlots_EachDecodesToItsOwnText()
    {
        // More distinct texts than remembered slots, of one length and similar bytes: a slot holding another
        // text must never answer for this one.
        var cache = new Utf8StringCache(4096);
        var texts = Enumerable.Range(0, 2000).Select(i => $"f{i:D4}é").ToList();

        for (var round = 0; round < 3; round++)
        {
            foreach (var text in texts)
            {
                cache.Get(Encoding.UTF8.GetBytes(text)).Should().Be(text);
            }
        }
    }

    [Fact]
    public void Get_InvalidUtf8_DecodesAsTheDecoderDoesAndIsNotConfusedWithTheReplacementCharacter()
    {
        var cache = new Utf8StringCache(16);
        byte[] invalid = [0x61, 0xFF];
        var replacement = Encoding.UTF8.GetBytes("a\uFFFD");

        for (var round = 0; round < 3; round++)
        {
            cache.Get(invalid).Should().Be(Encoding.UTF8.GetString(invalid));
            cache.Get(replacement).Should().Be("a\uFFFD");
        }
    }

    [Fact]
    public void Get_TextsAfterTheCacheIsFull_AreStillDecoded()
    {
        var cache = new Utf8StringCache(2);

        foreach (var text in new[] { "one", "two", "three", "four", "three", "four" })
        {
            cache.Get(Encoding.UTF8.GetBytes(text)).Should().Be(text);
        }
    }
}
