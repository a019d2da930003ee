using System.Security.Cryptography;

namespace Herald.Messages;

/// <summary>
/// Sortable unique ids: 48 bits of Unix milliseconds and 80 random bits in Crockford base32 (26 characters,
/// the ULID layout), so ids sort by creation time and are safe to generate on any machine.
/// </summary>
public static class MessageId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // Random bytes are drawn in blocks: one call into the system's generator per id costs more than the
    // rest of building the id. Per thread, so no lock; the bytes are as random as drawn one by one.
    private const int RandomBlock = 4096;
    private const int RandomPerId = 10;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomUsed;

    /// <summary>A new id stamped with <paramref name="time"/>'s current time.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var ms = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        var random = NextRandom();

        // 48 bits of milliseconds then 80 random bits, as two 64-bit halves.
        var high = (ms << 16) | ((ulong)random[0] << 8) | random[1];
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(random[2..]);
        return string.Create(26, (High: high, Low: low), static (chars, value) =>
        {
            // 128 bits → 26 base32 digits, most significant first (the top 2 bits of the first digit are zero).
            var (high, low) = value;
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(low & 31)];
                low = (low >> 5) | ((high & 31) << 59);
                high >>= 5;
            }
        });
    }

    private static ReadOnlySpan<byte> NextRandom()
    {
        var block = t_random ??= new byte[RandomBlock];
        if (t_randomUsed == 0 || t_randomUsed + RandomPerId > RandomBlock)
        {
            RandomNumberGenerator.Fill(block);
            t_randomUsed = 0;
        }

        var random = block.AsSpan(t_randomUsed, RandomPerId);
        t_randomUsed += RandomPerId;
        return random;
    }
}
