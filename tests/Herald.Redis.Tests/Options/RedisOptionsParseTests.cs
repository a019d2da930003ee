namespace Herald.Redis.Tests.Options;

public sealed class RedisOptionsParseTests
{
    [Fact]
    public void Parse_HostOnly_UsesDefaults()
    {
        var options = RedisOptions.Parse("redis://cache.local");

        options.Endpoints.Should().Equal(new RedisEndpoint("cache.local", 6379));
        options.User.Should().BeNull();
        options.Password.Should().BeNull();
        options.Database.Should().Be(0);
        options.UseTls.Should().BeFalse();
        options.UsesSentinel.Should().BeFalse();
        options.Protocol.Should().Be(RedisProtocol.Resp3);
    }

    [Fact]
    public void Parse_UserPasswordPortAndDatabase_SetsEach()
    {
        var options = RedisOptions.Parse("redis://app:s3cret@cache.local:6380/4");

        options.Endpoints.Should().Equal(new RedisEndpoint("cache.local", 6380));
        options.User.Should().Be("app");
        options.Password.Should().Be("s3cret");
        options.Database.Should().Be(4);
    }

    [Theory]
    [InlineData("redis://:s3cret@cache.local")]
    [InlineData("redis://s3cret@cache.local")]
    public void Parse_PasswordOnly_SetsPasswordForDefaultUser(string url)
    {
        var options = RedisOptions.Parse(url);

        options.User.Should().BeNull();
        options.Password.Should().Be("s3cret");
    }

    [Fact]
    public void Parse_EscapedCredentials_AreUnescaped()
    {
        var options = RedisOptions.Parse("redis://us%3Aer:p%40ss%3Aw%2Frd@cache.local");

        options.User.Should().Be("us:er");
        options.Password.Should().Be("p@ss:w/rd");
    }

    [Fact]
    public void Parse_UnescapedAtSignInPassword_SplitsAtTheLastOne()
    {
        var options = RedisOptions.Parse("redis://app:p@ss@cache.local");

        options.Password.Should().Be("p@ss");
        options.Endpoints.Should().Equal(new RedisEndpoint("cache.local", 6379));
    }

    [Fact]
    public void Parse_QueryOptions_SetsEach()
    {
        var options = RedisOptions.Parse("redis://cache.local?protocol=2&timeout=250ms&connectTimeout=2s&name=worker-1&sni=redis.internal&db=3");

        options.Protocol.Should().Be(RedisProtocol.Resp2);
        options.CommandTimeout.Should().Be(TimeSpan.FromMilliseconds(250));
        options.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(2));
        options.ClientName.Should().Be("worker-1");
        options.TlsServerName.Should().Be("redis.internal");
        options.Database.Should().Be(3);
    }

    [Theory]
    [InlineData("1500", 1500)]
    [InlineData("1500ms", 1500)]
    [InlineData("1.5s", 1500)]
    [InlineData("0.5ms", 0.5)]
    public void Parse_TimeoutForms_AreMilliseconds(string value, double milliseconds)
    {
        var options = RedisOptions.Parse($"redis://cache.local?timeout={value}");

        options.CommandTimeout.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("protocol=3", RedisProtocol.Resp3)]
    [InlineData("protocol=resp3", RedisProtocol.Resp3)]
    [InlineData("protocol=2", RedisProtocol.Resp2)]
    [InlineData("protocol=resp2", RedisProtocol.Resp2)]
    [InlineData("PROTOCOL=2", RedisProtocol.Resp2)]
    public void Parse_ProtocolOption_SelectsProtocol(string query, RedisProtocol expected) =>
        RedisOptions.Parse($"redis://cache.local?{query}").Protocol.Should().Be(expected);

    [Theory]
    [InlineData("redis://[::1]:6380", "::1", 6380)]
    [InlineData("redis://[::1]", "::1", 6379)]
    [InlineData("redis://app:pw@[fe80::1]:7000/2", "fe80::1", 7000)]
    public void Parse_IPv6InBrackets_KeepsAddressAndPort(string url, string host, int port)
    {
        var endpoint = RedisOptions.Parse(url).Endpoints.Single();

        endpoint.Should().Be(new RedisEndpoint(host, port));
        endpoint.ToString().Should().Be($"[{host}]:{port}");
    }

    [Fact]
    public void Parse_Rediss_EnablesTlsOnTheDefaultPort()
    {
        var options = RedisOptions.Parse("rediss://app:pw@cache.local?sni=redis.internal");

        options.UseTls.Should().BeTrue();
        options.Endpoints.Should().Equal(new RedisEndpoint("cache.local", 6379));
        options.TlsServerName.Should().Be("redis.internal");
    }

    [Theory]
    [InlineData("tls=true", true)]
    [InlineData("tls", true)]
    [InlineData("tls=1", true)]
    [InlineData("tls=false", false)]
    public void Parse_TlsOption_SwitchesTls(string query, bool expected) =>
        RedisOptions.Parse($"redis://cache.local?{query}").UseTls.Should().Be(expected);

    [Fact]
    public void Parse_SentinelWithSeveralHosts_DefaultsPortTo26379()
    {
        var options = RedisOptions.Parse("redis-sentinel://s1:26380,s2,[::1]/orders");

        options.UsesSentinel.Should().BeTrue();
        options.SentinelServiceName.Should().Be("orders");
        options.Endpoints.Should().Equal(new RedisEndpoint("s1", 26380), new RedisEndpoint("s2", 26379), new RedisEndpoint("::1", 26379));
        options.Database.Should().Be(0);
        options.UseTls.Should().BeFalse();
    }

    [Fact]
    public void Parse_SentinelWithCredentialsDatabaseAndSentinelAuth_SetsEach()
    {
        var options = RedisOptions.Parse("redis-sentinel://app:pw@s1:26379, s2:26381/orders/5?sentinelUser=watcher&sentinelPassword=sp");

        options.Endpoints.Should().Equal(new RedisEndpoint("s1", 26379), new RedisEndpoint("s2", 26381));
        options.User.Should().Be("app");
        options.Password.Should().Be("pw");
        options.SentinelServiceName.Should().Be("orders");
        options.Database.Should().Be(5);
        options.SentinelUser.Should().Be("watcher");
        options.SentinelPassword.Should().Be("sp");
    }

    [Fact]
    public void Parse_RedissSentinel_EnablesTls()
    {
        var options = RedisOptions.Parse("rediss-sentinel://s1/orders");

        options.UseTls.Should().BeTrue();
        options.SentinelServiceName.Should().Be("orders");
        options.Endpoints.Should().Equal(new RedisEndpoint("s1", 26379));
    }

    [Theory]
    [InlineData("cache.local:6390", "cache.local", 6390)]
    [InlineData("cache.local", "cache.local", 6379)]
    [InlineData("REDIS://cache.local:6390", "cache.local", 6390)]
    public void Parse_BareHostOrUpperCaseScheme_IsAccepted(string url, string host, int port) =>
        RedisOptions.Parse(url).Endpoints.Should().Equal(new RedisEndpoint(host, port));

    [Theory]
    [InlineData("http://cache.local", "Unknown scheme 'http'")]
    [InlineData("redis-sentinel://s1:26379", "names the service")]
    [InlineData("redis-sentinel://s1:26379/", "names the service")]
    [InlineData("redis://cache.local:99999", "'99999' is not a TCP port")]
    [InlineData("redis://cache.local:0", "'0' is not a TCP port")]
    [InlineData("redis://cache.local:port", "'port' is not a TCP port")]
    [InlineData("redis://[::1:6379", "unclosed IPv6 bracket")]
    [InlineData("redis://:6379", "names no host")]
    [InlineData("redis://cache.local/first", "'first' is not a database number")]
    [InlineData("redis://cache.local/-1", "'-1' is not a database number")]
    [InlineData("redis://cache.local/1/2", "Unexpected path '/1/2'")]
    [InlineData("redis://cache.local?color=blue", "Unknown connection option 'color'")]
    [InlineData("redis://cache.local?protocol=4", "protocol=4: use 2 or 3")]
    [InlineData("redis://cache.local?timeout=soon", "timeout=soon is not a duration")]
    [InlineData("redis://cache.local?timeout=0", "timeout=0 is not a duration")]
    [InlineData("redis://cache.local?connectTimeout=-5s", "connectTimeout=-5s is not a duration")]
    [InlineData("redis://cache.local?db=first", "db=first is not a database number")]
    public void Parse_InvalidUrl_ThrowsFormatExceptionSayingWhy(string url, string reason)
    {
        var parse = () => RedisOptions.Parse(url);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain(reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Blank_ThrowsArgumentException(string url)
    {
        var parse = () => RedisOptions.Parse(url);

        parse.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("url");
    }

    [Theory]
    [InlineData("redis://app:hunter2@cache.local:99999")]
    [InlineData("redis://app:hunter2@cache.local/1/2")]
    [InlineData("redis://app:hunter2@cache.local?color=blue")]
    [InlineData("redis-sentinel://app:hunter2@s1")]
    public void Parse_InvalidUrlWithPassword_DoesNotEchoThePassword(string url)
    {
        var parse = () => RedisOptions.Parse(url);

        parse.Should().Throw<FormatException>().Which.Message.Should().NotContain("hunter2");
    }

    [Theory]
    [InlineData("redis://app:hunter2@cache.local:6380/2", "redis://app:***@cache.local:6380/2")]
    [InlineData("redis://:hunter2@cache.local", "redis://:***@cache.local:6379")]
    [InlineData("rediss://cache.local", "rediss://cache.local:6379")]
    [InlineData("redis-sentinel://app:hunter2@s1,s2:26380/orders/1?sentinelPassword=hunter2", "redis-sentinel://app:***@s1:26379,s2:26380/orders/1")]
    [InlineData("rediss-sentinel://s1/orders", "rediss-sentinel://s1:26379/orders")]
    [InlineData("redis://[::1]:6380", "redis://[::1]:6380")]
    public void ToString_AnyUrl_PrintsItWithoutThePassword(string url, string expected)
    {
        var text = RedisOptions.Parse(url).ToString();

        text.Should().Be(expected);
        text.Should().NotContain("hunter2");
    }
}
