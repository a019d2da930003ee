using System.IO.Compression;
using Herald.Codecs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Hosting.Tests;

public sealed class HeraldConfigurationTests
{
    private static readonly string s_key1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string s_key2 = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void AddHerald_FullSection_BindsEverySetting()
    {
        var json = $$"""
            {
              "Herald": {
                "Redis": "redis://127.0.0.1:6390/2",
                "KeyPrefix": "shop",
                "Source": "billing-service",
                "ValidateOnPublish": false,
                "Role": "billing",
                "WorkerHeartbeatInterval": "00:00:02",
                "ThroughputRetention": "02:00:00",
                "Codecs": {
                  "Compression": "br",
                  "CompressionLevel": "Optimal",
                  "CompressionThreshold": 2048,
                  "MaxMessageSize": 65536,
                  "Encryption": { "CurrentKeyId": "k2", "Keys": { "k1": "{{s_key1}}", "k2": "{{s_key2}}" } }
                },
                "DefaultStream": { "MaxAge": "1.00:00:00" },
                "Streams": { "orders": { "Partitions": 4, "MaxLength": 10000, "HardCap": 50000, "TrimInterval": "00:00:30" } },
                "DefaultQueue": { "Priorities": 2 },
                "Queues": { "emails": { "Priorities": 3, "HeartbeatInterval": "00:00:01", "ConsumerTimeout": "00:00:10" } },
                "Access": {
                  "Roles": {
                    "billing": { "Publish": [ "stream:invoices*" ], "Consume": [ "stream:orders", "queue:emails" ] },
                    "shop": { "Publish": "stream:orders" }
                  }
                }
              }
            }
            """;
        var builder = TestHost.CreateBuilder(json);
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<HeraldOptions>>().Value;

        options.Redis.Should().Be("redis://127.0.0.1:6390/2");
        options.KeyPrefix.Should().Be("shop");
        options.Source.Should().Be("billing-service");
        options.ValidateOnPublish.Should().BeFalse();
        options.Role.Should().Be("billing");
        options.WorkerHeartbeatInterval.Should().Be(TimeSpan.FromSeconds(2));
        options.ThroughputRetention.Should().Be(TimeSpan.FromHours(2));
        options.Codecs.Compression.Should().BeOfType<BrotliCompressor>().Which.Level.Should().Be(CompressionLevel.Optimal);
        options.Codecs.CompressionThreshold.Should().Be(2048);
        options.Codecs.MaxMessageSize.Should().Be(65536);
        options.Codecs.Encryption!.CurrentKeyId.Should().Be("k2");
        options.Codecs.Encryption.KeyIds.Should().BeEquivalentTo("k1", "k2");
        options.DefaultStream.MaxAge.Should().Be(TimeSpan.FromDays(1));
        var orders = options.StreamOptionsFor("orders");
        (orders.Partitions, orders.MaxLength, orders.HardCap, orders.TrimInterval).Should().Be((4, 10000L, 50000L, TimeSpan.FromSeconds(30)));
        orders.MaxAge.Should().BeNull("a named stream starts from the built-in defaults");
        options.DefaultQueue.Priorities.Should().Be(2);
        var emails = options.QueueOptionsFor("emails");
        (emails.Priorities, emails.HeartbeatInterval, emails.ConsumerTimeout).Should().Be((3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
        options.Access!.Roles["billing"].Publish.Should().Equal("stream:invoices*");
        options.Access.Roles["billing"].Consume.Should().Equal("stream:orders", "queue:emails");
        options.Access.Roles["shop"].Publish.Should().Equal("stream:orders");
        options.Access.CanPublish("billing", Destination.Stream("invoices-eu")).Should().BeTrue();
        options.Access.CanPublish("billing", Destination.Stream("orders")).Should().BeFalse();
    }

    [Fact]
    public void AddHerald_SectionAndDelegate_DelegateRunsAfterBinding()
    {
        var builder = TestHost.CreateBuilder("""{ "Herald": { "KeyPrefix": "from-config", "Source": "from-config" } }""");
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"), options => options.Source = "from-code");
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<HeraldOptions>>().Value;

        (options.KeyPrefix, options.Source).Should().Be(("from-config", "from-code"));
    }

    [Theory]
    [InlineData("""{ "Streams": { "orders": { "Partitions": 0 } } }""", "Herald:Streams:orders:Partitions must be between 1 and 1024 (it is 0).")]
    [InlineData("""{ "Streams": { "orders": { "Partitions": 2000 } } }""", "Herald:Streams:orders:Partitions must be between 1 and 1024 (it is 2000).")]
    [InlineData("""{ "Streams": { "orders": { "Partitons": 4 } } }""", "Herald:Streams:orders:Partitons is not a setting of a stream (known: *Partitions*")]
    [InlineData("""{ "Streams": { "my orders": { "Partitions": 2 } } }""", "Herald:Streams:my orders is not a valid stream name: *reserved*")]
    [InlineData("""{ "DefaultStream": { "TrimInterval": "soon" } }""", "Herald:DefaultStream:TrimInterval must be a duration such as 00:00:30 (it is 'soon').")]
    [InlineData("""{ "Queues": { "jobs": { "Priorities": 0 } } }""", "Herald:Queues:jobs:Priorities ('0') must be greater than or equal to '1'.")]
    [InlineData("""{ "Codecs": { "Compression": "zip" } }""", "Herald:Codecs:Compression must be gzip, br or none (it is 'zip').")]
    [InlineData("""{ "Codecs": { "CompressionLevel": "Optimal" } }""", "Herald:Codecs:CompressionLevel needs Compression (gzip or br) in the same section.")]
    [InlineData("""{ "Codecs": { "MaxMessageSize": "big" } }""", "Herald:Codecs:MaxMessageSize must be a whole number (it is 'big').")]
    [InlineData("""{ "Codecs": { "MaxMessageSize": 10 } }""", "Herald:Codecs:MaxMessageSize must be at least 64 bytes (it is 10).")]
    [InlineData("""{ "Codecs": { "Encryption": { "Keys": { "k1": "c2hvcnQ=" } } } }""", "Herald:Codecs:Encryption:Keys:k1 must be a 32-byte AES-256 key in base64; it decodes to 5 bytes.")]
    [InlineData("""{ "Codecs": { "Encryption": { "Keys": { "k1": "not base64!" } } } }""", "Herald:Codecs:Encryption:Keys:k1 must be a 32-byte AES-256 key in base64; the value is not base64.")]
    [InlineData("""{ "ValidateOnPublish": "sometimes" }""", "Herald:ValidateOnPublish must be true or false (it is 'sometimes').")]
    [InlineData("""{ "Redis": "http://localhost" }""", "Herald:Redis is not a valid Redis URL: Unknown scheme 'http'*")]
    [InlineData("""{ "KeyPrefix": "my app" }""", "Herald:KeyPrefix is invalid: 'my app' cannot prefix keys*")]
    [InlineData("""{ "Source": " " }""", "Herald:Source must not be empty.")]
    [InlineData("""{ "Access": { "Roles": { "billing": { "Publish": [ "stream:*" ] } } } }""", "Herald:Role must name one of the access roles (billing) when access rules are set.")]
    [InlineData("""{ "Access": { "Roles": { "billing": { "Publish": [ "stream:*" ] } } }, "Role": "admin" }""", "Herald:Role must name one of the access roles (billing) when access rules are set; 'admin' is not one of them.")]
    [InlineData("""{ "Access": { "Roles": { "billing": { "Publsh": [ "stream:*" ] } } }, "Role": "billing" }""", "Herald:Access:Roles:billing:Publsh is not a role setting (known: Publish, Consume).")]
    [InlineData("""{ "Redis": "redis://localhost", "Retries": 3 }""", "Herald:Retries is not a Herald setting (known: *")]
    public async Task StartAsync_InvalidSetting_FailsWithTheSettingsPath(string section, string expected)
    {
        var builder = TestHost.CreateBuilder($$"""{ "Herald": {{section}} }""");
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        await using var host = TestHost.Build(builder);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Match(expected);
    }

    [Fact]
    public async Task StartAsync_TwoKeysWithoutCurrentKeyId_AsksWhichKeyEncrypts()
    {
        var builder = TestHost.CreateBuilder($$"""{ "Herald": { "Codecs": { "Encryption": { "Keys": { "k2": "{{s_key2}}", "k1": "{{s_key1}}" } } } } }""");
        builder.Services.AddHerald(builder.Configuration.GetSection("Herald"));
        await using var host = TestHost.Build(builder);

        var start = () => host.StartAsync();

        await start.Should().ThrowAsync<OptionsValidationException>()
            .WithMessage("Herald:Codecs:Encryption:CurrentKeyId must name the key that encrypts new messages (one of k1, k2).");
    }

    [Fact]
    public async Task StartAsync_InvalidOptionsSetInCode_FailsNamingTheSetting()
    {
        var builder = TestHost.CreateBuilder();
        builder.Services.AddHerald(options => options.Streams["orders"] = new() { Partitions = 0 });
        await using var host = TestHost.Build(builder);

        var start = () => host.StartAsync();

        await start.Should().ThrowAsync<OptionsValidationException>()
            .WithMessage("Streams:orders:Partitions must be between 1 and 1024 (it is 0).");
    }

    [Fact]
    public void AddHerald_LoggerFactoryUnset_UsesTheContainersLoggerFactory()
    {
        var builder = TestHost.CreateBuilder();
        builder.Services.AddHerald(_ => { });
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<HeraldOptions>>().Value;

        options.LoggerFactory.Should().BeSameAs(host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
    }
}
