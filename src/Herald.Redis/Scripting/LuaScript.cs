using System.Security.Cryptography;
using System.Text;
using Herald.Redis.Protocol;

namespace Herald.Redis.Scripting;

/// <summary>
/// A Lua script, identified by the SHA1 of its source (computed locally, so the first call needs no
/// <c>SCRIPT LOAD</c>). Create one per script and keep it: it is immutable and thread-safe.
/// </summary>
public sealed class LuaScript
{
    /// <summary>Creates the script and computes its SHA1.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Redis names scripts by SHA1; it is an identifier, not a security measure.")]
    public LuaScript(string source, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
        Name = name ?? "script";
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>Loads a script embedded in <paramref name="assembly"/> as the resource <paramref name="resource"/>.</summary>
    /// <exception cref="InvalidOperationException">The assembly has no such resource (a build mistake).</exception>
    public static LuaScript FromResource(System.Reflection.Assembly assembly, string resource, string name)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The script resource {resource} is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return new LuaScript(reader.ReadToEnd(), name);
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>A name for logs and errors.</summary>
    public string Name { get; }

    /// <summary>The lower-case hex SHA1 that <c>EVALSHA</c> takes.</summary>
    public string Sha1 { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Sha1[..8]})";
}

/// <summary>Runs <see cref="LuaScript"/>s by SHA, loading them transparently.</summary>
public static class RedisScriptingExtensions
{
    /// <summary>
    /// Runs <paramref name="script"/> with <c>EVALSHA</c>; on <c>NOSCRIPT</c> (a restarted or flushed server)
    /// it sends the source once with <c>EVAL</c>, which also caches it. The first key routes the call.
    /// In a <see cref="RedisTransaction"/> or <see cref="RedisBatch"/> the retry cannot happen: load the
    /// script first with <see cref="LoadAsync"/>.
    /// </summary>
    public static async ValueTask<T> EvaluateAsync<T>(this IRedisExecutor redis, LuaScript script, IReadOnlyList<RedisArg> keys,
        IReadOnlyList<RedisArg> arguments, RespReplyParser<T> parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(script);
        try
        {
            return await redis.ExecuteAsync(Build("EVALSHA", script.Sha1, keys, arguments), parser, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException error) when (error.Kind == RedisErrorKind.NoScript)
        {
            return await redis.ExecuteAsync(Build("EVAL", script.Source, keys, arguments), parser, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The <c>EVALSHA</c> command of <paramref name="script"/>, to send together with another on a lease
    /// (<see cref="RedisLease.ExecutePairAsync"/>). Nothing retries it on <c>NOSCRIPT</c>: the caller falls back to
    /// <see cref="EvaluateAsync{T}"/>.
    /// </summary>
    public static RedisCommand EvaluateShaCommand(LuaScript script, IReadOnlyList<RedisArg> keys, IReadOnlyList<RedisArg> arguments)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Build("EVALSHA", script.Sha1, keys, arguments);
    }

    /// <summary>Runs a script and returns its raw reply.</summary>
    public static ValueTask<RespValue> EvaluateAsync(this IRedisExecutor redis, LuaScript script, IReadOnlyList<RedisArg> keys,
        IReadOnlyList<RedisArg> arguments, CancellationToken cancellationToken = default) =>
        redis.EvaluateAsync(script, keys, arguments, RespParsers.Value, cancellationToken);

    /// <summary>Loads the script into the server's cache (<c>SCRIPT LOAD</c>) and checks the SHA matches.</summary>
    public static async ValueTask LoadAsync(this IRedisExecutor redis, LuaScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(script);
        var sha = await redis.ExecuteAsync(new RedisCommand("SCRIPT", "LOAD", script.Source), RespParsers.String, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha, script.Sha1, StringComparison.OrdinalIgnoreCase))
        {
            throw new RedisProtocolException($"SCRIPT LOAD returned {sha} for {script}, expected {script.Sha1}.");
        }
    }

    private static RedisCommand Build(string name, string body, IReadOnlyList<RedisArg> keys, IReadOnlyList<RedisArg> arguments)
    {
        var args = new RedisArg[2 + keys.Count + arguments.Count];
        args[0] = body;
        args[1] = keys.Count;
        for (var i = 0; i < keys.Count; i++)
        {
            args[2 + i] = keys[i];
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            args[2 + keys.Count + i] = arguments[i];
        }

        var command = new RedisCommand(name, args);
        return keys.Count > 0 ? command.WithKey(2) : command;
    }
}
