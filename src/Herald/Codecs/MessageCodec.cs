using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Herald.Messages;

namespace Herald.Codecs;

/// <summary>Settings of the codec pipeline: serialize → compress above a threshold → encrypt.</summary>
public sealed class CodecOptions
{
    /// <summary>The serializer for types no other serializer claims. Default <see cref="JsonMessageSerializer"/>.</summary>
    public IMessageSerializer DefaultSerializer { get; set; } = new JsonMessageSerializer();

    /// <summary>Serializers tried before the default, by <see cref="IMessageSerializer.CanSerialize"/>; each also decodes its content type.</summary>
    public IList<IMessageSerializer> Serializers { get; } = [new ProtobufMessageSerializer(), new RawMessageSerializer()];

    /// <summary>Compression for bodies larger than <see cref="CompressionThreshold"/>; null for none (default).</summary>
    public ICompressor? Compression { get; set; }

    /// <summary>Bodies at least this large are compressed. Default 1 KiB.</summary>
    public int CompressionThreshold { get; set; } = 1024;

    /// <summary>Encrypts every body with AES-256-GCM when set.</summary>
    public EncryptionKeyRing? Encryption { get; set; }

    /// <summary>Largest message accepted on publish and on receive, in bytes (after decompression too). Default 1 MiB.</summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (DefaultSerializer is null)
        {
            throw new InvalidOptionException(nameof(DefaultSerializer), "must be set.");
        }

        if (CompressionThreshold < 0)
        {
            throw new InvalidOptionException(nameof(CompressionThreshold), $"must not be negative (it is {CompressionThreshold}).");
        }

        if (MaxMessageSize < 64)
        {
            throw new InvalidOptionException(nameof(MaxMessageSize), $"must be at least 64 bytes (it is {MaxMessageSize}).");
        }

        if (Encryption is { HasCurrentKey: false })
        {
            throw new InvalidOptionException(nameof(Encryption), "must have a current key: add one (the first key added becomes current) or call SetCurrent.");
        }
    }
}

/// <summary>The body after the pipeline, with the attributes that say how to undo it.</summary>
/// <param name="Data">The bytes to send.</param>
/// <param name="ContentType">The serializer's media type.</param>
/// <param name="ContentEncoding">Steps applied after serialising, or null.</param>
/// <param name="KeyId">The encryption key id, or null.</param>
public readonly record struct EncodedBody(ReadOnlyMemory<byte> Data, string ContentType, string? ContentEncoding, string? KeyId);

/// <summary>
/// The codec pipeline. Each step is named in the envelope (<c>datacontenttype</c>, <c>contentencoding</c>,
/// <c>keyid</c>) so a consumer undoes exactly what the producer did, whatever its own settings.
/// </summary>
public sealed class MessageCodec
{
    private readonly CodecOptions _options;
    private readonly Dictionary<string, ICompressor> _compressors;

    /// <summary>Creates the pipeline from validated options.</summary>
    public MessageCodec(CodecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _compressors = new(StringComparer.OrdinalIgnoreCase) { ["gzip"] = new GzipCompressor(), ["br"] = new BrotliCompressor() };
        if (options.Compression is not null)
        {
            _compressors[options.Compression.Name] = options.Compression;
        }
    }

    /// <summary>The largest message size accepted.</summary>
    public int MaxMessageSize => _options.MaxMessageSize;

    /// <summary>Serialises, compresses and encrypts <paramref name="message"/>.</summary>
    /// <exception cref="MessageTooLargeException">The result exceeds the maximum message size.</exception>
    public EncodedBody Encode(object? message, Type type, string messageId)
    {
        var serializer = SerializerFor(type);
        var buffer = new ArrayBufferWriter<byte>(256);
        serializer.Serialize(message, type, buffer);
        ReadOnlyMemory<byte> data = buffer.WrittenMemory;
        string? compressed = null;
        if (_options.Compression is { } compressor && data.Length >= _options.CompressionThreshold)
        {
            data = compressor.Compress(data.Span);
            compressed = compressor.Name;
        }

        string? keyId = null;
        string? encrypted = null;
        if (_options.Encryption is { } ring)
        {
            keyId = ring.CurrentKeyId;
            ring.TryGet(keyId, out var key);
            data = AesGcmCipher.Encrypt(data.Span, key, Encoding.UTF8.GetBytes(messageId));
            encrypted = AesGcmCipher.Name;
        }

        if (data.Length > _options.MaxMessageSize)
        {
            throw new MessageTooLargeException(data.Length, _options.MaxMessageSize);
        }

        // The steps in the order applied; most messages have none, and then nothing is allocated for them.
        var encoding = compressed is null ? encrypted : encrypted is null ? compressed : compressed + "," + encrypted;
        return new EncodedBody(data, serializer.ContentType, encoding, keyId);
    }

    /// <summary>Undoes the envelope's steps and deserialises the body as <paramref name="type"/>.</summary>
    /// <exception cref="MessageDecodeException">Any step failed; the message says which and why.</exception>
    /// <exception cref="MessageTooLargeException">The body, or what it expands to, exceeds the maximum message size.</exception>
    public object? Decode(MessageEnvelope envelope, Type type)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var data = Unwrap(envelope);
        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return data;
        }

        if (type == typeof(byte[]))
        {
            return data.ToArray();
        }

        var serializer = SerializerForContentType(envelope.DataContentType, type);
        try
        {
            return serializer.Deserialize(data, type);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new MessageDecodeException($"The {envelope.DataContentType ?? "body"} of message {envelope.Id} is not a valid {type.Name}: {exception.Message}", exception);
        }
    }

    /// <summary>Undoes decryption and decompression only, giving the serialised bytes.</summary>
    public ReadOnlyMemory<byte> Unwrap(MessageEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var data = envelope.Data;
        if (data.Length > _options.MaxMessageSize)
        {
            throw new MessageTooLargeException(data.Length, _options.MaxMessageSize);
        }

        if (string.IsNullOrEmpty(envelope.ContentEncoding))
        {
            return data;
        }

        var steps = envelope.ContentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = steps.Length - 1; i >= 0; i--)
        {
            data = UndoStep(envelope, steps[i], data);
        }

        return data;
    }

    private ReadOnlyMemory<byte> UndoStep(MessageEnvelope envelope, string step, ReadOnlyMemory<byte> data)
    {
        if (string.Equals(step, AesGcmCipher.Name, StringComparison.OrdinalIgnoreCase))
        {
            if (_options.Encryption is null)
            {
                throw new MessageDecodeException($"Message {envelope.Id} is encrypted and this consumer has no key ring.");
            }

            if (envelope.KeyId is null || !_options.Encryption.TryGet(envelope.KeyId, out var key))
            {
                throw new MessageDecodeException($"Message {envelope.Id} is encrypted with key '{envelope.KeyId}', which is not in the key ring.");
            }

            try
            {
                return AesGcmCipher.Decrypt(data.Span, key, Encoding.UTF8.GetBytes(envelope.Id));
            }
            catch (CryptographicException exception)
            {
                throw new MessageDecodeException($"Message {envelope.Id} failed authentication with key '{envelope.KeyId}': it was altered or encrypted with another key.", exception);
            }
        }

        if (!_compressors.TryGetValue(step, out var compressor))
        {
            throw new MessageDecodeException($"Message {envelope.Id} uses the unknown content encoding '{step}'.");
        }

        try
        {
            return compressor.Decompress(data, _options.MaxMessageSize);
        }
        catch (InvalidDataException exception) when (exception.Message.Contains("maximum message size", StringComparison.Ordinal))
        {
            throw new MessageTooLargeException(_options.MaxMessageSize + 1, _options.MaxMessageSize);
        }
        catch (InvalidDataException exception)
        {
            throw new MessageDecodeException($"Message {envelope.Id} is not valid {step} data: {exception.Message}", exception);
        }
    }

    private IMessageSerializer SerializerFor(Type type)
    {
        // By index: a foreach over the IList would allocate an enumerator for every message.
        var serializers = _options.Serializers;
        for (var i = 0; i < serializers.Count; i++)
        {
            if (serializers[i].CanSerialize(type))
            {
                return serializers[i];
            }
        }

        return _options.DefaultSerializer;
    }

    private IMessageSerializer SerializerForContentType(string? contentType, Type type)
    {
        if (contentType is not null)
        {
            if (string.Equals(_options.DefaultSerializer.ContentType, contentType, StringComparison.OrdinalIgnoreCase))
            {
                return _options.DefaultSerializer;
            }

            foreach (var serializer in _options.Serializers)
            {
                if (string.Equals(serializer.ContentType, contentType, StringComparison.OrdinalIgnoreCase) && serializer.CanSerialize(type))
                {
                    return serializer;
                }
            }

            if (EnvelopeFormat.IsJson(contentType) && _options.DefaultSerializer is JsonMessageSerializer)
            {
                return _options.DefaultSerializer;
            }
        }

        // Bytes and text can always be handed over as they are.
        return SerializerFor(type);
    }
}
