using System.Security.Cryptography;
using System.Text;
using Herald.Messages;

namespace Herald.Tests.Lists;

[HeraldMessage("test.job")]
public sealed record Job(int Number);

/// <summary>Queue items written the way another client would write them, for tests that set up Redis state by hand.</summary>
internal static class QueueItems
{
    /// <summary>A framed <see cref="Job"/> envelope, as a Herald producer would push it.</summary>
    public static byte[] Job(int number) => EnvelopeFormat.ToFramed(new MessageEnvelope
    {
        Id = $"job-{number}",
        Type = "test.job",
        Time = DateTimeOffset.UnixEpoch,
        DataContentType = "application/json",
        Data = Encoding.UTF8.GetBytes($"{{\"number\":{number}}}"),
    });

    /// <summary>The item's field in the delivery counter hash.</summary>
#pragma warning disable CA5350 // Redis's sha1hex names the field; an identifier, not a security measure.
    public static string CounterField(byte[] item) => Convert.ToHexStringLower(SHA1.HashData(item));
#pragma warning restore CA5350
}
