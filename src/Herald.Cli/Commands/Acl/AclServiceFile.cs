namespace Herald.Cli.Commands.Acl;

/// <summary>The service file <c>herald acl</c> reads (JSON, camelCase); see <see cref="Herald.Security.AclService"/>.</summary>
/// <param name="User">The Redis user name.</param>
/// <param name="Password">The password in clear (only its SHA-256 is printed).</param>
/// <param name="PasswordHash">Or the password's SHA-256 in hex.</param>
/// <param name="NoPassword">Or true for <c>nopass</c>.</param>
/// <param name="KeyPrefix">The bus's key prefix; default <c>herald</c>.</param>
/// <param name="Publish">Destinations published to: <c>stream:x</c>, <c>queue:x</c>, <c>channel:x</c>.</param>
/// <param name="Consume">Destinations consumed: also <c>pattern:x*</c>.</param>
/// <param name="RedisVersion">The Redis version the rules are for (<c>7.2</c>); default 7.0.</param>
/// <param name="Tasks">True when the service enqueues or runs tasks on its queues.</param>
internal sealed record AclServiceFile(
    string? User,
    string? Password,
    string? PasswordHash,
    bool NoPassword,
    string? KeyPrefix,
    IReadOnlyList<string>? Publish,
    IReadOnlyList<string>? Consume,
    string? RedisVersion,
    bool Tasks = false);

/// <summary>The JSON shape of <c>herald acl --json</c>.</summary>
/// <param name="User">The Redis user name.</param>
/// <param name="Commands">The <c>ACL SETUSER</c> commands, each as its arguments, in order.</param>
/// <param name="Lines">The same as <c>redis-cli</c> lines.</param>
/// <param name="AllowedCommands">The Redis commands allowed.</param>
/// <param name="KeyPatterns">The key patterns allowed.</param>
/// <param name="Channels">The channels and patterns allowed.</param>
internal sealed record AclResult(
    string User,
    IReadOnlyList<IReadOnlyList<string>> Commands,
    IReadOnlyList<string> Lines,
    IReadOnlyList<string> AllowedCommands,
    IReadOnlyList<string> KeyPatterns,
    IReadOnlyList<string> Channels);
