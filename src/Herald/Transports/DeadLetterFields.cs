using System.Globalization;
using Herald.Redis;

namespace Herald.Transports;

/// <summary>The <c>dlq-*</c> fields recorded with every dead letter, whatever the transport.</summary>
public static class DeadLetterFields
{
    /// <summary>Field names.</summary>
    public const string Reason = "dlq-reason", ErrorType = "dlq-error-type", Error = "dlq-error", Stack = "dlq-stack",
        Attempts = "dlq-attempts", Origin = "dlq-origin", OriginId = "dlq-origin-id", Group = "dlq-group", Time = "dlq-time";

    /// <summary>The fields for <paramref name="info"/>, as field/value arguments.</summary>
    public static IEnumerable<RedisArg> For(DeadLetterInfo info, Destination origin, string originId, string group, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(info);
        yield return Reason;
        yield return info.Reason.ToString();
        yield return ErrorType;
        yield return info.ErrorType ?? string.Empty;
        yield return Error;
        yield return info.ErrorMessage;
        yield return Stack;
        yield return info.StackTrace ?? string.Empty;
        yield return Attempts;
        yield return info.Attempts;
        yield return Origin;
        yield return origin.ToString();
        yield return OriginId;
        yield return originId;
        yield return Group;
        yield return group;
        yield return Time;
        yield return now.ToString("O", CultureInfo.InvariantCulture);
    }
}
