using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Herald.Codecs;

/// <summary>
/// AES-256 keys by id. One key encrypts (<see cref="CurrentKeyId"/>); every key in the ring decrypts, so a
/// key can be rotated by adding the new one, making it current, and retiring the old one only after every
/// message encrypted with it has been consumed.
/// </summary>
public sealed class EncryptionKeyRing
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private volatile string? _current;

    /// <summary>The id of the key that encrypts new messages.</summary>
    public string CurrentKeyId => _current ?? throw new InvalidOperationException("The key ring has no current key.");

    /// <summary>Ids of every key that can decrypt.</summary>
    public IReadOnlyCollection<string> KeyIds => [.. _keys.Keys];

    /// <summary>Adds a 32-byte key; the first key added becomes current unless <paramref name="makeCurrent"/> says otherwise.</summary>
    public EncryptionKeyRing Add(string keyId, byte[] key, bool? makeCurrent = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException($"AES-256 keys are 32 bytes; key '{keyId}' has {key.Length}.", nameof(key));
        }

        if (keyId.Contains(',', StringComparison.Ordinal))
        {
            throw new ArgumentException("A key id cannot contain a comma.", nameof(keyId));
        }

        _keys[keyId] = (byte[])key.Clone();
        if (makeCurrent ?? _current is null)
        {
            _current = keyId;
        }

        return this;
    }

    /// <summary>Makes <paramref name="keyId"/> the key for new messages.</summary>
    public void SetCurrent(string keyId)
    {
        if (!_keys.ContainsKey(keyId))
        {
            throw new ArgumentException($"No key '{keyId}' in the ring.", nameof(keyId));
        }

        _current = keyId;
    }

    /// <summary>Removes a retired key; messages encrypted with it can no longer be read.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="keyId"/> is the current key: make another one current first.</exception>
    public bool Remove(string keyId)
    {
        if (string.Equals(keyId, _current, StringComparison.Ordinal))
        {
            // Removing it would leave the ring encrypting with a key it no longer has.
            throw new InvalidOperationException($"Key '{keyId}' encrypts new messages; make another key current before removing it.");
        }

        return _keys.TryRemove(keyId, out _);
    }

    /// <summary>True when a key is current (the ring can encrypt).</summary>
    internal bool HasCurrentKey => _current is not null;

    internal bool TryGet(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);
}

/// <summary>AES-256-GCM: <c>nonce (12) | tag (16) | ciphertext</c>; the message id is authenticated as associated data.</summary>
internal static class AesGcmCipher
{
    public const string Name = "aes256gcm";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associatedData);
        return output;
    }

    public static byte[] Decrypt(ReadOnlySpan<byte> data, byte[] key, ReadOnlySpan<byte> associatedData)
    {
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted body is shorter than its nonce and tag.");
        }

        var plaintext = new byte[data.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(data[..NonceSize], data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}
