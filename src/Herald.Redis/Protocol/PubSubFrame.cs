using System.Buffers.Text;
using Herald.Redis.PubSub;

namespace Herald.Redis.Protocol;

/// <summary>A pub/sub message as it lies in the read buffer: spans into it, valid only during the call.</summary>
/// <param name="kind">Channel, pattern or sharded channel message.</param>
/// <param name="pattern">For a pattern message, the pattern that matched; otherwise empty.</param>
/// <param name="channel">The channel it was published to.</param>
/// <param name="payload">The published bytes.</param>
internal delegate void PubSubFrameHandler(SubscriptionKind kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload);

/// <summary>
/// Reads the one frame a subscriber connection receives by the hundred thousand, <c>message</c> (and
/// <c>pmessage</c>, <c>smessage</c>), straight from the read buffer: the general parser would build a value
/// object per element, an item array and a copy of every element, all thrown away once the payload has
/// been routed. Anything else, or a frame not wholly in the buffer yet, is left to the general parser:
/// <see cref="TryRead"/> then consumes nothing.
/// </summary>
internal static class PubSubFrame
{
    /// <summary>Reads one complete message frame (RESP3 push or RESP2 array) at the start of <paramref name="input"/>.</summary>
    /// <returns>True with the frame's length in <paramref name="consumed"/>; false when the general parser must read it.</returns>
    public static bool TryRead(
        ReadOnlySpan<byte> input,
        long maxBulkLength,
        out int consumed,
        out SubscriptionKind kind,
        out ReadOnlySpan<byte> pattern,
        out ReadOnlySpan<byte> channel,
        out ReadOnlySpan<byte> payload)
    {
        consumed = 0;
        kind = SubscriptionKind.Channel;
        pattern = channel = payload = default;

        // ">3\r\n$7\r\nmessage\r\n" is the shortest possible start.
        if (input.Length < 17 || input[0] is not ((byte)'>' or (byte)'*') || input[2] != '\r' || input[3] != '\n')
        {
            return false;
        }

        var count = input[1] - '0';
        var rest = input[4..];
        int at;
        if (count == 3 && rest.StartsWith("$7\r\nmessage\r\n"u8))
        {
            at = 4 + 13;
        }
        else if (count == 3 && rest.StartsWith("$8\r\nsmessage\r\n"u8))
        {
            kind = SubscriptionKind.Sharded;
            at = 4 + 14;
        }
        else if (count == 4 && rest.StartsWith("$8\r\npmessage\r\n"u8))
        {
            kind = SubscriptionKind.Pattern;
            at = 4 + 14;
            if (!TryBulk(input, ref at, maxBulkLength, out var patternStart, out var patternLength))
            {
                return false;
            }

            pattern = input.Slice(patternStart, patternLength);
        }
        else
        {
            return false;
        }

        if (!TryBulk(input, ref at, maxBulkLength, out var channelStart, out var channelLength)
            || !TryBulk(input, ref at, maxBulkLength, out var payloadStart, out var payloadLength))
        {
            return false;
        }

        channel = input.Slice(channelStart, channelLength);
        payload = input.Slice(payloadStart, payloadLength);
        consumed = at;
        return true;
    }

    // "$<length>\r\n<bytes>\r\n" at `at`, whole; anything unusual (null, too long, malformed) goes to the general parser.
    private static bool TryBulk(ReadOnlySpan<byte> input, ref int at, long maxBulkLength, out int start, out int length)
    {
        start = length = 0;
        var rest = input[at..];
        if (rest.Length < 4 || rest[0] != '$'
            || !Utf8Parser.TryParse(rest[1..], out long declared, out var digits) || digits == 0 || declared < 0 || declared > maxBulkLength)
        {
            return false;
        }

        var header = 1 + digits + 2;
        if (rest.Length < header + declared + 2 || rest[1 + digits] != '\r' || rest[2 + digits] != '\n')
        {
            return false;
        }

        var end = header + (int)declared;
        if (rest[end] != '\r' || rest[end + 1] != '\n')
        {
            return false;
        }

        start = at + header;
        length = (int)declared;
        at += end + 2;
        return true;
    }
}
