using System.Globalization;
using Herald.Redis.Protocol;

namespace Herald.Redis;

/// <summary>The server answered a command with an error reply. The command reached the server.</summary>
public class RedisServerException : HeraldException
{
    /// <summary>Creates the exception from the text of an error reply.</summary>
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space < 0 ? message : message[..space];
        Kind = Classify(ErrorCode, message);
        if (Kind is RedisErrorKind.Moved or RedisErrorKind.Ask)
        {
            // "MOVED 3999 127.0.0.1:6381"
            var parts = message.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
            {
                Slot = slot;
                RedirectEndpoint = parts[2];
            }
        }
    }

    /// <summary>
    /// Creates the exception with a message of its own (for context such as the endpoint) that keeps the
    /// <see cref="Kind"/>, <see cref="ErrorCode"/> and redirect of <paramref name="serverError"/>, its inner exception.
    /// </summary>
    public RedisServerException(string message, RedisServerException serverError)
        : base(message, serverError)
    {
        ArgumentNullException.ThrowIfNull(serverError);
        ErrorCode = serverError.ErrorCode;
        Kind = serverError.Kind;
        Slot = serverError.Slot;
        RedirectEndpoint = serverError.RedirectEndpoint;
    }

    /// <summary>The parsed class of the error.</summary>
    public RedisErrorKind Kind { get; }

    /// <summary>The leading word of the error (<c>ERR</c>, <c>WRONGTYPE</c>, …).</summary>
    public string ErrorCode { get; }

    /// <summary>For <c>MOVED</c>/<c>ASK</c>: the hash slot.</summary>
    public int? Slot { get; }

    /// <summary>For <c>MOVED</c>/<c>ASK</c>: the <c>host:port</c> that owns the slot.</summary>
    public string? RedirectEndpoint { get; }

    /// <summary>Creates the exception that fits an error reply: authentication errors get their own type.</summary>
    public static RedisServerException FromReply(RespValue error)
    {
        var text = error.AsString() ?? string.Empty;
        var exception = new RedisServerException(text);
        return exception.Kind is RedisErrorKind.WrongPass or RedisErrorKind.NoAuth
            ? new RedisAuthenticationException(text)
            : exception;
    }

    private static RedisErrorKind Classify(string code, string message) => code switch
    {
        "ERR" when message.StartsWith("ERR unknown command", StringComparison.OrdinalIgnoreCase) => RedisErrorKind.UnknownCommand,
        "ERR" when message.Contains("invalid password", StringComparison.OrdinalIgnoreCase) => RedisErrorKind.WrongPass,
        "ERR" when message.Contains("AUTH <password> called without any password configured", StringComparison.Ordinal) => RedisErrorKind.WrongPass,
        "ERR" => RedisErrorKind.Generic,
        "WRONGTYPE" => RedisErrorKind.WrongType,
        "MOVED" => RedisErrorKind.Moved,
        "ASK" => RedisErrorKind.Ask,
        "TRYAGAIN" => RedisErrorKind.TryAgain,
        "CLUSTERDOWN" => RedisErrorKind.ClusterDown,
        "CROSSSLOT" => RedisErrorKind.CrossSlot,
        "LOADING" => RedisErrorKind.Loading,
        "BUSY" => RedisErrorKind.Busy,
        "NOSCRIPT" => RedisErrorKind.NoScript,
        "READONLY" => RedisErrorKind.ReadOnly,
        "MASTERDOWN" => RedisErrorKind.MasterDown,
        "NOAUTH" => RedisErrorKind.NoAuth,
        "WRONGPASS" => RedisErrorKind.WrongPass,
        "NOPERM" => RedisErrorKind.NoPerm,
        "NOPROTO" => RedisErrorKind.NoProto,
        "NOGROUP" => RedisErrorKind.NoGroup,
        "BUSYGROUP" => RedisErrorKind.BusyGroup,
        "EXECABORT" => RedisErrorKind.ExecAbort,
        "OOM" => RedisErrorKind.OutOfMemory,
        "NOREPLICAS" => RedisErrorKind.NoReplicas,
        _ => RedisErrorKind.Other,
    };
}

/// <summary>The server refused the credentials (<c>WRONGPASS</c>, <c>NOAUTH</c>): retrying will not help.</summary>
public sealed class RedisAuthenticationException : RedisServerException
{
    /// <summary>Creates the exception from the server's error text.</summary>
    public RedisAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message of its own that keeps the kind of <paramref name="serverError"/>.</summary>
    public RedisAuthenticationException(string message, RedisServerException serverError)
        : base(message, serverError)
    {
    }
}
