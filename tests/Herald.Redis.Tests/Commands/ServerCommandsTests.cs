using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

/// <summary>
/// Server commands. FLUSHDB and CLIENT PAUSE act on the whole server: this class has its own server
/// (a class fixture), its tests run one at a time, and the database tests use a database of their own.
/// </summary>
public sealed class ServerCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task PingAsync_WithAndWithoutMessage_Answers(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await redis.PingAsync()).Should().Be("PONG");
        (await redis.PingAsync("hello")).Should().Be("hello");
        (await redis.EchoAsync("héllo wörld")).Should().Be("héllo wörld");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task InfoAsync_DefaultAndSection_ParsesSectionsAndFields(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        var all = await redis.InfoAsync();
        var server = await redis.InfoAsync("server");

        all.Should().ContainKeys("Server", "Clients", "Memory", "Keyspace");
        all["server"]["redis_version"].Should().StartWith("7.");
        server.Should().ContainSingle().Which.Key.Should().Be("Server");
        server["Server"]["tcp_port"].Should().Be(new Uri(Fixture.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientIdAsync_Lease_DiffersFromSharedConnection(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();

        var shared = await redis.ClientIdAsync();
        var dedicated = await lease.ClientIdAsync();

        shared.Should().BePositive();
        dedicated.Should().NotBe(shared);
        (await redis.ClientIdAsync()).Should().Be(shared);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientSetNameAsync_Name_IsReadBackAndListed(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var name = "cmd-test-" + protocol;
        var id = await lease.ClientIdAsync();

        (await lease.ClientSetNameAsync(name)).Should().BeTrue();

        (await lease.ClientGetNameAsync()).Should().Be(name);
        var me = (await redis.ClientListAsync()).Should().ContainSingle(c => c.Id == id).Subject;
        me.Name.Should().Be(name);
        me.Address.Should().Contain(":");
        me.Database.Should().Be(0);
        me.Age.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
        me.Idle.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
        me.Properties.Should().ContainKeys("flags", "laddr", "cmd");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientGetNameAsync_Unnamed_ReturnsNull(RedisProtocol protocol)
    {
        var options = RedisOptions.Parse(Fixture.Url);
        options.Protocol = protocol;
        options.ClientName = null;
        await using var redis = await RedisClient.ConnectAsync(options);

        (await redis.ClientGetNameAsync()).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientListAsync_TypeFilter_ListsOnlyThatType(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var id = await redis.ClientIdAsync();

        (await redis.ClientListAsync(ClientType.Normal)).Should().Contain(c => c.Id == id);
        (await redis.ClientListAsync(ClientType.Replica)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientKillAsync_ById_ClosesThatConnectionOnly(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var victim = await lease.ClientIdAsync();

        (await redis.ClientKillAsync(new() { Id = victim })).Should().Be(1);
        (await redis.ClientKillAsync(new() { Id = victim })).Should().Be(0);

        (await redis.ClientListAsync()).Should().NotContain(c => c.Id == victim);
        (await redis.PingAsync()).Should().Be("PONG");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientKillAsync_AddressAndSkipMe_MatchesEveryCondition(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        await using var lease = await redis.LeaseAsync();
        var myId = await redis.ClientIdAsync();
        var leaseId = await lease.ClientIdAsync();
        var clients = await redis.ClientListAsync();
        var me = clients.Single(c => c.Id == myId);
        var other = clients.Single(c => c.Id == leaseId);

        var spared = await redis.ClientKillAsync(new() { Address = me.Address, SkipMe = true });
        var wrongType = await redis.ClientKillAsync(new() { Address = other.Address, Type = ClientType.PubSub });
        var killed = await redis.ClientKillAsync(new() { Address = other.Address, LocalAddress = other.Properties["laddr"], Type = ClientType.Normal, User = "default" });

        spared.Should().Be(0);
        wrongType.Should().Be(0);
        killed.Should().Be(1);
        (await redis.PingAsync()).Should().Be("PONG");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ClientPauseAsync_WritesOnly_ReadsStillServedUntilUnpause(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var key = NewKey();

        (await redis.ClientPauseAsync(TimeSpan.FromSeconds(30), writesOnly: true)).Should().BeTrue();
        try
        {
            (await redis.StringGetAsync(key)).Should().BeNull();
        }
        finally
        {
            (await redis.ClientUnpauseAsync()).Should().BeTrue();
        }

        (await redis.StringSetAsync(key, "v")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task FlushDatabaseAsync_OwnDatabase_EmptiesIt(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol, database: protocol == RedisProtocol.Resp2 ? 9 : 10);
        await redis.StringSetManyAsync([new(NewKey("a"), 1), new(NewKey("b"), 2)]);

        (await redis.DatabaseSizeAsync()).Should().Be(2);
        (await redis.FlushDatabaseAsync()).Should().BeTrue();
        (await redis.DatabaseSizeAsync()).Should().Be(0);
        await redis.StringSetAsync(NewKey("c"), 3);
        (await redis.FlushDatabaseAsync(asynchronous: true)).Should().BeTrue();
        (await redis.DatabaseSizeAsync()).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task TimeAsync_Server_IsCloseToLocalClock(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        var time = await redis.TimeAsync();

        time.Should().BeCloseTo(TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(1));
        time.Offset.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ConfigSetAsync_Parameter_IsReadBackByConfigGet(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var original = (await redis.ConfigGetAsync("slowlog-max-len"))["slowlog-max-len"];

        (await redis.ConfigSetAsync("slowlog-max-len", 321)).Should().BeTrue();
        try
        {
            (await redis.ConfigGetAsync("slowlog-max-len")).Should().Equal(new Dictionary<string, string> { ["slowlog-max-len"] = "321" });
            (await redis.ConfigGetAsync("slowlog-*")).Should().ContainKeys("slowlog-max-len", "slowlog-log-slower-than");
            (await redis.ConfigGetAsync("no-such-parameter")).Should().BeEmpty();
        }
        finally
        {
            await redis.ConfigSetAsync("slowlog-max-len", original);
        }
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ConfigSetAsync_UnknownParameter_ThrowsServerError(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        await ShouldFailAsync(() => redis.ConfigSetAsync("no-such-parameter", "1"), RedisErrorKind.Generic);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task RoleAsync_Standalone_IsPrimaryWithoutReplicas(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        var role = await redis.RoleAsync();

        role.Role.Should().Be("master");
        role.ReplicationOffset.Should().BeGreaterThanOrEqualTo(0);
        role.Replicas.Should().BeEmpty();
        role.PrimaryEndpoint.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task CommandCountAsync_Server_KnowsManyCommands(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await redis.CommandCountAsync()).Should().BeGreaterThan(200);
    }
}
