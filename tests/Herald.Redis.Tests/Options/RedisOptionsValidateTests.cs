using System.Net.Security;
using Herald.Redis.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Redis.Tests.Options;

public sealed class RedisOptionsValidateTests
{
    public static TheoryData<string, Action<RedisOptions>> InvalidSettings => new()
    {
        { nameof(RedisOptions.ConnectTimeout), o => o.ConnectTimeout = TimeSpan.FromSeconds(-1) },
        { nameof(RedisOptions.ConnectTimeout), o => o.ConnectTimeout = TimeSpan.Zero },
        { nameof(RedisOptions.CommandTimeout), o => o.CommandTimeout = TimeSpan.FromMilliseconds(-5) },
        { nameof(RedisOptions.CommandTimeout), o => o.CommandTimeout = TimeSpan.Zero },
        { nameof(RedisOptions.HeartbeatInterval), o => o.HeartbeatInterval = TimeSpan.FromSeconds(-1) },
        { nameof(RedisOptions.ReconnectMinDelay), o => o.ReconnectMinDelay = TimeSpan.FromSeconds(-1) },
        { nameof(RedisOptions.ReconnectMaxDelay), o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(10) },
        { nameof(RedisOptions.BlockingTimeoutMargin), o => o.BlockingTimeoutMargin = TimeSpan.FromSeconds(-1) },
        { nameof(RedisOptions.TcpKeepAlive), o => o.TcpKeepAlive = TimeSpan.FromSeconds(-1) },
        { nameof(RedisOptions.BacklogLimit), o => o.BacklogLimit = -1 },
        { nameof(RedisOptions.MaxIdleLeases), o => o.MaxIdleLeases = -1 },
        { nameof(RedisOptions.SubscriptionBufferSize), o => o.SubscriptionBufferSize = 0 },
        { nameof(RedisOptions.Database), o => o.Database = -1 },
        { nameof(RedisOptions.Protocol), o => o.Protocol = (RedisProtocol)4 },
        { nameof(RedisOptions.User), o => o.User = "app" },
        { nameof(RedisOptions.SentinelUser), o => o.SentinelUser = "watcher" },
        { nameof(RedisOptions.Endpoints), o => o.Endpoints.Add(new RedisEndpoint("cache.local", 0)) },
        { nameof(RedisOptions.Endpoints), o => o.Endpoints.Add(new RedisEndpoint(" ", 6379)) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_InvalidSetting_ThrowsArgumentExceptionNamingIt(string setting, Action<RedisOptions> spoil)
    {
        var options = new RedisOptions();
        spoil(options);

        var validate = options.Validate;

        validate.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(setting);
    }

    [Fact]
    public void Validate_UserWithoutPassword_SaysThePasswordIsMissing()
    {
        var options = new RedisOptions { User = "app" };

        var validate = options.Validate;

        validate.Should().Throw<ArgumentException>().WithMessage("*needs a password*");
    }

    [Fact]
    public void Validate_Defaults_PassAndAddTheLocalEndpoint()
    {
        var options = new RedisOptions();

        options.Validate();

        options.Endpoints.Should().Equal(new RedisEndpoint("127.0.0.1", 6379));
    }

    [Fact]
    public void Validate_SentinelWithoutEndpoints_DefaultsToTheLocalSentinelPort()
    {
        var options = new RedisOptions { SentinelServiceName = "orders" };

        options.Validate();

        options.Endpoints.Should().Equal(new RedisEndpoint("127.0.0.1", 26379));
    }

    [Fact]
    public void Validate_PasswordWithoutUser_Passes()
    {
        var options = new RedisOptions { Password = "pw", SentinelPassword = "sp" };

        var validate = options.Validate;

        validate.Should().NotThrow();
    }

    [Fact]
    public async Task ConnectAsync_InvalidOptions_ThrowsBeforeConnecting()
    {
        var options = new RedisOptions { CommandTimeout = TimeSpan.FromSeconds(-1) };
        options.Endpoints.Add(new RedisEndpoint("127.0.0.1", 1));

        var connect = async () => await RedisClient.ConnectAsync(options);

        (await connect.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be(nameof(RedisOptions.CommandTimeout));
    }

    [Fact]
    public void Clone_EverySettingChanged_CopiesEachAndOwnsItsLists()
    {
        var changed = new Dictionary<string, object?>
        {
            [nameof(RedisOptions.User)] = "app",
            [nameof(RedisOptions.Password)] = "pw",
            [nameof(RedisOptions.Database)] = 3,
            [nameof(RedisOptions.ClientName)] = "worker",
            [nameof(RedisOptions.Protocol)] = RedisProtocol.Resp2,
            [nameof(RedisOptions.UseTls)] = true,
            [nameof(RedisOptions.TlsServerName)] = "redis.internal",
            [nameof(RedisOptions.ServerCertificateValidation)] = new RemoteCertificateValidationCallback((_, _, _, errors) => errors == SslPolicyErrors.None),
            [nameof(RedisOptions.ConnectTimeout)] = TimeSpan.FromSeconds(1),
            [nameof(RedisOptions.CommandTimeout)] = TimeSpan.FromSeconds(2),
            [nameof(RedisOptions.BlockingTimeoutMargin)] = TimeSpan.FromSeconds(3),
            [nameof(RedisOptions.BacklogLimit)] = 7,
            [nameof(RedisOptions.ReconnectMinDelay)] = TimeSpan.FromMilliseconds(10),
            [nameof(RedisOptions.ReconnectMaxDelay)] = TimeSpan.FromMilliseconds(20),
            [nameof(RedisOptions.HeartbeatInterval)] = TimeSpan.FromSeconds(4),
            [nameof(RedisOptions.TcpKeepAlive)] = TimeSpan.Zero,
            [nameof(RedisOptions.MaxIdleLeases)] = 2,
            [nameof(RedisOptions.Limits)] = new RespLimits { MaxDepth = 5 },
            [nameof(RedisOptions.SubscriptionBufferSize)] = 9,
            [nameof(RedisOptions.SentinelServiceName)] = "orders",
            [nameof(RedisOptions.SentinelUser)] = "watcher",
            [nameof(RedisOptions.SentinelPassword)] = "sp",
            [nameof(RedisOptions.TimeProvider)] = new ManualTimeProvider(),
            [nameof(RedisOptions.LoggerFactory)] = NullLoggerFactory.Instance,
        };
        var settable = typeof(RedisOptions).GetProperties().Where(p => p.CanWrite).ToList();
        settable.Select(p => p.Name).Should().BeEquivalentTo(changed.Keys, "every setting must be covered here");
        var options = new RedisOptions();
        foreach (var property in settable)
            property.SetValue(options, changed[property.Name]);
        options.Endpoints.Add(new RedisEndpoint("s1", 26379));

        var clone = options.Clone();
        options.Endpoints.Clear();

        foreach (var property in settable)
            property.GetValue(clone).Should().Be(changed[property.Name], property.Name);
        clone.Endpoints.Should().Equal(new RedisEndpoint("s1", 26379));
    }

    private sealed class ManualTimeProvider : TimeProvider;
}
