using System.IO.Compression;

namespace Herald.Codecs;

/// <summary>A compression step of the codec pipeline, named in <c>contentencoding</c>.</summary>
public interface ICompressor
{
    /// <summary>The name written to <c>contentencoding</c> (<c>gzip</c>, <c>br</c>).</summary>
    string Name { get; }

    /// <summary>Compresses <paramref name="data"/>.</summary>
    byte[] Compress(ReadOnlySpan<byte> data);

    /// <summary>Decompresses, refusing to produce more than <paramref name="maxSize"/> bytes (a compression bomb is an error, not an outage).</summary>
    byte[] Decompress(ReadOnlyMemory<byte> data, int maxSize);
}

/// <summary>Shared streaming decompression with a size cap.</summary>
public abstract class StreamCompressor : ICompressor
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The compression level.</summary>
    public CompressionLevel Level { get; init; } = CompressionLevel.Fastest;

    /// <inheritdoc />
    public byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(Math.Max(64, data.Length / 2));
        using (var stream = CreateCompressor(output))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    /// <inheritdoc />
    public byte[] Decompress(ReadOnlyMemory<byte> data, int maxSize)
    {
        using var input = new MemoryStream(data.ToArray(), writable: false);
        using var stream = CreateDecompressor(input);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (output.Length + read > maxSize)
            {
                throw new InvalidDataException($"{Name} data expands beyond the maximum message size of {maxSize} bytes.");
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    /// <summary>Wraps <paramref name="output"/> in a compressing stream.</summary>
    protected abstract Stream CreateCompressor(Stream output);

    /// <summary>Wraps <paramref name="input"/> in a decompressing stream.</summary>
    protected abstract Stream CreateDecompressor(Stream input);
}

/// <summary>gzip (RFC 1952).</summary>
public sealed class GzipCompressor : StreamCompressor
{
    /// <inheritdoc />
    public override string Name => "gzip";

    /// <inheritdoc />
    protected override Stream CreateCompressor(Stream output) => new GZipStream(output, Level, leaveOpen: true);

    /// <inheritdoc />
    protected override Stream CreateDecompressor(Stream input) => new GZipStream(input, CompressionMode.Decompress);
}

/// <summary>Brotli (RFC 7932): smaller than gzip for text, somewhat slower.</summary>
public sealed class BrotliCompressor : StreamCompressor
{
    /// <inheritdoc />
    public override string Name => "br";

    /// <inheritdoc />
    protected override Stream CreateCompressor(Stream output) => new BrotliStream(output, Level, leaveOpen: true);

    /// <inheritdoc />
    protected override Stream CreateDecompressor(Stream input) => new BrotliStream(input, CompressionMode.Decompress);
}
