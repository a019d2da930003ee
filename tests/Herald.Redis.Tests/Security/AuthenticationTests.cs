using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Redis.Tests.Security;

public sealed class AuthenticationTests(PasswordRedisFixture fixture) : IClassFixture<PasswordRedisFixture>
{
    // Generous on purpose: a refused password must fail on the server's answer, not on this timeout.
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_fast = TimeSpan.FromSeconds(5);

    private string Endpoint => $"127.0.0.1:{fixture.Server.Port}";

    [Theory]
    [BothProtocols]
    public async Task ConnectAsync_RightPassword_RunsCommands(RedisProtocol protocol)
    {
        var key = fixture.NewPrefix() + "k";
        await using var client = await RedisClient.ConnectAsync(Options(protocol, password: fixture.Password));

        await client.ExecuteAsync("SET", key, "v");

        (await client.ExecuteAsync("GET", key)).AsString().Should().Be("v");
        client.ProtocolVersion.Should().Be((int)protocol);
    }

    [Theory]
    [BothProtocols]
    public async Task ConnectAsync_WrongPassword_FailsFastWithAnAuthenticationErrorNamingTheEndpoint(RedisProtocol protocol)
    {
        var clock = Stopwatch.StartNew();
        var connect = async () => await RedisClient.ConnectAsync(Options(protocol, password: "not-the-password"));

        var error = (await connect.Should().ThrowAsync<RedisAuthenticationException>()).Which;

        clock.Elapsed.Should().BeLessThan(s_fast, "the server's refusal ends the attempt, not the {0} s connect timeout", s_connectTimeout.TotalSeconds);
        error.Kind.Should().Be(RedisErrorKind.WrongPass);
        error.Message.Should().Contain(Endpoint).And.Contain("WRONGPASS").And.NotContain("not-the-password");
    }

    [Theory]
    [BothProtocols]
    public async Task ConnectAsync_NoPassword_FailsWithNoAuth(RedisProtocol protocol)
    {
        var clock = Stopwatch.StartNew();
        var connect = async () => await RedisClient.ConnectAsync(Options(protocol));

        var error = (await connect.Should().ThrowAsync<RedisAuthenticationException>()).Which;

        clock.Elapsed.Should().BeLessThan(s_fast);
        error.Kind.Should().Be(RedisErrorKind.NoAuth);
        error.Message.Should().Contain(Endpoint).And.Contain("NOAUTH");
    }

    [Theory]
    [BothProtocols]
    public async Task ConnectAsync_AclUserWrongPassword_FailsWithWrongPass(RedisProtocol protocol)
    {
        var connect = async () => await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, "not-the-password"));

        var error = (await connect.Should().ThrowAsync<RedisAuthenticationException>()).Which;

        error.Kind.Should().Be(RedisErrorKind.WrongPass);
        error.Message.Should().Contain(Endpoint);
    }

    [Theory]
    [BothProtocols]
    public async Task ExecuteAsync_AclUserOnItsOwnKeys_Succeeds(RedisProtocol protocol)
    {
        var key = "app:" + fixture.NewPrefix() + "k";
        await using var client = await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, fixture.AclUser.Password));

        await client.ExecuteAsync("SET", key, "mine");

        (await client.ExecuteAsync("GET", key)).AsString().Should().Be("mine");
        (await client.ExecuteAsync("ACL", "WHOAMI")).AsString().Should().Be(fixture.AclUser.Name);
    }

    [Theory]
    [BothProtocols]
    public async Task ExecuteAsync_AclUserOnAForbiddenKey_ThrowsNoPermAndKeepsTheConnection(RedisProtocol protocol)
    {
        var key = "other:" + fixture.NewPrefix() + "k";
        await using var client = await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, fixture.AclUser.Password));

        var write = async () => await client.ExecuteAsync("SET", key, "theirs");

        var error = (await write.Should().ThrowAsync<RedisServerException>()).Which;
        error.Kind.Should().Be(RedisErrorKind.NoPerm);
        error.Should().NotBeOfType<RedisAuthenticationException>("the credentials are fine; the permission is missing");
        (await client.ExecuteAsync("PING")).AsString().Should().Be("PONG");
    }

    [Theory]
    [BothProtocols]
    public async Task ExecuteAsync_AclUserRunsAForbiddenCommand_ThrowsNoPerm(RedisProtocol protocol)
    {
        await using var client = await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, fixture.AclUser.Password));

        var flush = async () => await client.ExecuteAsync("FLUSHALL");

        var error = (await flush.Should().ThrowAsync<RedisServerException>()).Which;
        error.Kind.Should().Be(RedisErrorKind.NoPerm);
        error.Message.Should().Contain("flushall");
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_AclUserOnItsOwnChannel_ReceivesMessages(RedisProtocol protocol)
    {
        var channel = "app:" + fixture.NewPrefix() + "ch";
        await using var client = await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, fixture.AclUser.Password));
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);

        await client.ExecuteAsync("PUBLISH", channel, "hi");

        (await subscription.Reader.ReadAsync().AsTask().WaitAsync(s_connectTimeout)).PayloadAsString().Should().Be("hi");
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_AclUserOnAForbiddenChannel_ThrowsNoPermAndKeepsOtherSubscriptions(RedisProtocol protocol)
    {
        var prefix = fixture.NewPrefix();
        await using var client = await RedisClient.ConnectAsync(Options(protocol, fixture.AclUser.Name, fixture.AclUser.Password));
        await using var allowed = await client.Subscriber.SubscribeAsync("app:" + prefix + "ch");
        var connections = client.Subscriber.ConnectionCount;

        var subscribe = async () => await client.Subscriber.SubscribeAsync("other:" + prefix + "ch");

        var error = (await subscribe.Should().ThrowAsync<RedisServerException>()).Which;
        error.Kind.Should().Be(RedisErrorKind.NoPerm);
        client.Subscriber.SubscriptionCount.Should().Be(1);
        await client.ExecuteAsync("PUBLISH", "app:" + prefix + "ch", "still");
        (await allowed.Reader.ReadAsync().AsTask().WaitAsync(s_connectTimeout)).PayloadAsString().Should().Be("still");
        client.Subscriber.ConnectionCount.Should().Be(connections, "a refused SUBSCRIBE is not a broken connection");
    }

    private RedisOptions Options(RedisProtocol protocol, string? user = null, string? password = null)
    {
        var options = RedisOptions.Parse(fixture.Url);
        options.Protocol = protocol;
        options.User = user;
        options.Password = password;
        options.ConnectTimeout = s_connectTimeout;
        return options;
    }
}
