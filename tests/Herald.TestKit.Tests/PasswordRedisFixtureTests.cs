namespace Herald.TestKit.Tests;

public sealed class PasswordRedisFixtureTests(PasswordRedisFixture fixture) : IClassFixture<PasswordRedisFixture>
{
    [Fact]
    public async Task CliAsync_FixtureCredentials_ActsAsDefaultUser()
    {
        (await fixture.Server.CliAsync("ACL", "WHOAMI")).Should().Be("default");
        fixture.Url.Should().NotContain(fixture.Password);
    }

    [Fact]
    public async Task CliAsync_WrongPassword_Throws()
    {
        var act = () => fixture.Server.CliAsync("--pass", "wrong", "PING");

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*WRONGPASS*");
    }

    [Fact]
    public async Task CliAsync_AclUser_ReachesOnlyAppKeys()
    {
        var key = "app:" + fixture.NewPrefix() + "k";
        string[] asApp = ["--user", fixture.AclUser.Name, "--pass", fixture.AclUser.Password];

        (await fixture.Server.CliAsync([.. asApp, "SET", key, "v"])).Should().Be("OK");
        var otherKey = () => fixture.Server.CliAsync([.. asApp, "GET", fixture.NewPrefix() + "k"]);
        var flushAll = () => fixture.Server.CliAsync([.. asApp, "FLUSHALL"]);

        await otherKey.Should().ThrowAsync<InvalidOperationException>().WithMessage("*NOPERM*");
        await flushAll.Should().ThrowAsync<InvalidOperationException>().WithMessage("*NOPERM*");
    }

    [Fact]
    public async Task RawClient_NoOrWrongAuth_IsRefused()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server.Port);

        (await client.CallAsync("PING")).Should().StartWith("-NOAUTH");
        (await client.CallAsync("AUTH", fixture.AclUser.Name, "wrong")).Should().StartWith("-WRONGPASS");
        (await client.CallAsync("AUTH", fixture.AclUser.Name, fixture.AclUser.Password)).Should().Be("+OK");
    }
}
