using System.Security.Cryptography;

namespace Herald.TestKit;

/// <summary>
/// A server with <c>requirepass</c> and an ACL user <c>app</c> limited to <c>app:*</c> keys and
/// channels, without <c>FLUSHALL</c>. Both passwords are fresh per fixture.
/// </summary>
public sealed class PasswordRedisFixture : RedisFixture
{
    /// <summary>The default user's password.</summary>
    public string Password { get; } = NewPassword();

    /// <summary>The restricted ACL user.</summary>
    public RedisAclUser AclUser { get; } = new("app", NewPassword(), "on ~app:* &app:* +@all -flushall");

    /// <inheritdoc />
    protected override RedisServerOptions Options => new() { Password = Password, AclUser = AclUser };

    private static string NewPassword() => "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
