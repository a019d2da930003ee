using System.Buffers;

namespace Herald.Codecs;

/// <summary>Turns messages into bytes and back. One serializer per content type.</summary>
public interface IMessageSerializer
{
    /// <summary>The media type written to <c>datacontenttype</c>.</summary>
    string ContentType { get; }

    /// <summary>True when this serializer can handle <paramref name="type"/>.</summary>
    bool CanSerialize(Type type);

    /// <summary>Writes <paramref name="value"/> of <paramref name="type"/>.</summary>
    void Serialize(object? value, Type type, IBufferWriter<byte> output);

    /// <summary>Reads a value of <paramref name="type"/>.</summary>
    object? Deserialize(ReadOnlyMemory<byte> data, Type type);
}
