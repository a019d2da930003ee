using System.Security.Cryptography;

namespace Herald.Messages;

/// <summary>
/// Sortable unique ids: 48 bits of Unix milliseconds and 80 random bits in Crockford base32 (26 characters,
/// the ULID layout), so ids sort by creation time and are safe to generate on any machine.
/// </summary>
public static class MessageId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new id stamped with <paramref name="time"/>'s current time.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return string.Create(26, bytes.ToArray(), static (chars, data) =>
        {
            // 128 bits → 26 base32 digits, most significant first (the top 2 bits of the first digit are zero).
            var high = ((ulong)data[0] << 56) | ((ulong)data[1] << 48) | ((ulong)data[2] << 40) | ((ulong)data[3] << 32)
                | ((ulong)data[4] << 24) | ((ulong)data[5] << 16) | ((ulong)data[6] << 8) | data[7];
            var low = ((ulong)data[8] << 56) | ((ulong)data[9] << 48) | ((ulong)data[10] << 40) | ((ulong)data[11] << 32)
                | ((ulong)data[12] << 24) | ((ulong)data[13] << 16) | ((ulong)data[14] << 8) | data[15];
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(low & 31)];
                low = (low >> 5) | ((high & 31) << 59);
                high >>= 5;
            }
        });
    }
}
