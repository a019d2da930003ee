using System.Collections.Concurrent;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.RateLimiting;
using Herald.Security;
using Herald.TestKit;
using Herald.Transports.Streams;

namespace Herald.Tests.Security;

[HeraldMessage("test.acl.order")]
public sealed record AclOrder(string Id);

/// <summary>The rules of <see cref="AclPlan"/> applied to a real server: the service's bus works, everything else is NOPERM.</summary>
public sealed class AclPlanTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private const string Password = "s3cret pass";

    // Every consumer draws on a group rate limit, so the plan must allow its script and key.
    private static readonly RateLimit s_generous = RateLimit.Parse("1000/s burst 100");

    [Fact]
    public async Task Create_AppliedToRedis_BusAsThatUserPublishesAndConsumesItsStreamQueueAndChannels()
    {
        var service = NewService(out var names);
        await using var admin = await ConnectAdminAsync();
        await ApplyAsync(admin, AclPlan.Create(service));
        await using var bus = await ConnectAsAsync(service);

        // Stream: two partitions, a consumer group, a delayed retry and a dead letter, trimming under the group.
        var handled = new ConcurrentQueue<string>();
        await using (await bus.Consume(names.Orders, o => { BusFixture.Fast(o); o.Group = "billing"; o.Retry.MaxDeliveries = 2; o.RateLimit = s_generous; })
            .Handle<AclOrder>((c, _) => c.Message.Id == "poison" ? throw new InvalidOperationException("deliberate") : Handled(handled, c.Message.Id))
            .StartAsync())
        {
            await bus.PublishAsync(names.Orders, new AclOrder("o-1"), new PublishOptions { Key = "a" });
            await bus.PublishAsync(names.Orders, new AclOrder("o-2"), new PublishOptions { Key = "b" });
            await bus.PublishAsync(names.Orders, new AclOrder("poison"));
            await Wait.UntilAsync(() => handled.Count == 2, because: "both orders are handled on their partitions");
            await Wait.UntilAsync(async () => await DeadLetterCountAsync(admin, bus, names.Orders.Name) == 1, because: "the poison order is retried once, then dead-lettered");
        }

        // Queue: an immediate and a delayed message.
        var jobs = new ConcurrentQueue<string>();
        await using (await bus.Consume(names.Jobs, o => { BusFixture.Fast(o); o.RateLimit = s_generous; }).Handle<AclOrder>((c, _) => Handled(jobs, c.Message.Id)).StartAsync())
        {
            await bus.PublishAsync(names.Jobs, new AclOrder("j-1"));
            await bus.PublishAsync(names.Jobs, new AclOrder("j-2"), new PublishOptions { Delay = TimeSpan.FromMilliseconds(200) });
            var unique = new PublishOptions { Id = "j-3", UniqueFor = TimeSpan.FromMinutes(1) };
            (await bus.PublishAsync(names.Jobs, new AclOrder("j-3"), unique)).Duplicate.Should().BeFalse();
            (await bus.PublishAsync(names.Jobs, new AclOrder("j-3"), unique)).Duplicate.Should().BeTrue("the unique publish script may set its marker");
            await Wait.UntilAsync(() => jobs.Count == 3, because: "the queue delivers the immediate, the delayed and the unique job");
        }

        // Channel and pattern.
        var heard = new ConcurrentQueue<string>();
        await using (await bus.Consume(names.Events, o => { BusFixture.Fast(o); o.RateLimit = s_generous; }).Handle<AclOrder>((c, _) => Handled(heard, "channel:" + c.Message.Id)).StartAsync())
        await using (await bus.Consume(names.EventPattern, BusFixture.Fast).Handle<AclOrder>((c, _) => Handled(heard, "pattern:" + c.Message.Id)).StartAsync())
        {
            await Wait.UntilAsync(async () => (await bus.PublishAsync(names.Events, new AclOrder("e-1"))).Receivers == 2,
                because: "both subscriptions are active");
            await Wait.UntilAsync(() => heard.Count >= 2, because: "the channel and the pattern consumer receive the event");
        }

        heard.Should().Contain("channel:e-1").And.Contain("pattern:e-1");
        (await RefusalsAsync(admin, service.User)).Should().BeEmpty("nothing the bus did in the background (retries, trimming, heartbeats) was refused");
    }

    [Fact]
    public async Task Create_AppliedToRedis_OtherServicesKeysChannelsAndAdminCommandsRefusedWithNoPerm()
    {
        var service = NewService(out var names);
        await using var admin = await ConnectAdminAsync();
        await ApplyAsync(admin, AclPlan.Create(service));
        await using var bus = await ConnectAsAsync(service);
        var other = new Herald.Keys.KeySchema(service.KeyPrefix);
        var redis = bus.Redis!;

        await ShouldBeRefused(() => bus.PublishAsync(Destination.Stream("payments"), new AclOrder("x")).AsTask(), "another service's stream");
        await ShouldBeRefused(() => bus.PublishAsync(Destination.Queue("emails"), new AclOrder("x")).AsTask(), "another service's queue");
        await ShouldBeRefused(() => bus.PublishAsync(Destination.Channel("elsewhere-" + names.Events.Name), new AclOrder("x")).AsTask(), "another channel");
        await ShouldBeRefused(() => redis.ExecuteAsync("GET", other.Scratch("other", "secret")).AsTask(), "a key outside the plan");
        await ShouldBeRefused(() => redis.ExecuteAsync("XRANGE", other.DeadLetters("payments"), "-", "+").AsTask(), "another stream's dead letters");
        await ShouldBeRefused(() => redis.ExecuteAsync("GET", other.RateLimit(Herald.Keys.KeySchema.GroupRateLimitName(Destination.Queue("emails"), "default"))).AsTask(),
            "another queue's rate limit");
        await ShouldBeRefused(() => redis.ExecuteAsync("GET", other.RateLimit("geocoder")).AsTask(), "a rate limit of no group of the service");
        await ShouldBeRefused(() => redis.ExecuteAsync("FLUSHALL").AsTask(), "FLUSHALL");
        await ShouldBeRefused(() => redis.ExecuteAsync("KEYS", "*").AsTask(), "KEYS");
        await ShouldBeRefused(() => redis.ExecuteAsync("CONFIG", "GET", "*").AsTask(), "CONFIG");
        await ShouldBeRefused(() => redis.ExecuteAsync("DEBUG", "SLEEP", "0").AsTask(), "DEBUG");
        await ShouldBeRefused(() => redis.ExecuteAsync("EVAL", "return redis.call('GET', KEYS[1])", 1, other.Scratch("other", "secret")).AsTask(),
            "a script cannot reach further than the user");

        // Publishing only: a publisher of the orders stream may not read its consumers' dead letters.
        var publisher = new AclService { User = service.User + "-pub", Password = Password, KeyPrefix = service.KeyPrefix };
        publisher.Publish.Add(names.Orders);
        await ApplyAsync(admin, AclPlan.Create(publisher));
        await using var publisherBus = await ConnectAsAsync(publisher);
        await publisherBus.PublishAsync(names.Orders, new AclOrder("allowed"));
        await ShouldBeRefused(() => publisherBus.Redis!.ExecuteAsync("XRANGE", other.DeadLetters(names.Orders.Name), "-", "+").AsTask(), "a publisher reading dead letters");
    }

    [Fact]
    public void Create_Service_AllowsOnlyTheBusCommandsAndItsOwnKeyParts()
    {
        var service = new AclService { User = "billing", Password = "pw", KeyPrefix = "app" };
        service.Publish.Add(Destination.Stream("payments"));
        service.Consume.Add(Destination.Queue("in*voices"));
        service.Consume.Add(Destination.Pattern("shop:*"));

        var plan = AclPlan.Create(service);

        plan.Commands.Should().Contain(["xadd", "blmove", "evalsha", "psubscribe", "hello", "client|setname", "time"])
            .And.NotContain(["flushall", "flushdb", "config", "keys", "debug", "scan", "xreadgroup", "publish", "client|setinfo"]);
        plan.KeyPatterns.Should().Contain(["app:{payments}:stream", "app:{payments#[0-9]*}:stream", @"app:{in\*voices}:queue", @"app:{in\*voices}:processing:*", "app:{shop:*}:dlq", @"app:{shop:\*}:paused:pattern", "app:destinations"])
            .And.NotContain("app:{payments}:dlq", "a publisher does not touch dead letters");
        plan.KeyPatterns.Should().Contain([@"app:{#rate:queue:in\*voices%23*}:tat", @"app:{#rate:pattern:shop:\*%23*}:tat"], "a consumer may share its groups' rate limits")
            .And.NotContain(@"app:{#rate:stream:payments%23*}:tat", "a publisher has no rate limit");
        plan.ChannelPatterns.Should().Equal("shop:*");
        plan.PasswordRule.Should().Be("#30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4", "the password is carried as its SHA-256");
        plan.SetUserCommands[0].Should().Equal("ACL", "SETUSER", "billing", "reset", "on", plan.PasswordRule);
    }

    [Fact]
    public void Create_RedisVersion72_AllowsClientSetInfo()
    {
        var service = new AclService { User = "svc", NoPassword = true, RedisVersion = new Version(7, 2) };
        service.Publish.Add(Destination.Channel("news"));

        var plan = AclPlan.Create(service);

        plan.Commands.Should().Contain("client|setinfo").And.Contain("publish");
        plan.PasswordRule.Should().Be("nopass");
        plan.KeyPatterns.Should().BeEmpty("a channel publisher touches no keys");
    }

    [Fact]
    public void Create_QueuePublisher_AllowsTheUniquePublishScriptAndMarkers()
    {
        var service = new AclService { User = "svc", NoPassword = true, KeyPrefix = "app" };
        service.Publish.Add(Destination.Queue("mail"));

        var plan = AclPlan.Create(service);

        plan.Commands.Should().Contain(["lpush", "zadd", "set", "evalsha", "eval", "script|load"]);
        plan.KeyPatterns.Should().Contain(["app:{mail}:queue", "app:{mail}:delayed", "app:{mail}:unique:*"])
            .And.NotContain("app:{mail}:dlq", "a publisher does not touch dead letters");
    }

    [Theory]
    [InlineData("", "pw", "User")]
    [InlineData("bad user", "pw", "User")]
    [InlineData("svc", null, "Password")]
    public void Create_InvalidService_ThrowsNamingTheSetting(string user, string? password, string setting)
    {
        var service = new AclService { User = user, Password = password };
        service.Publish.Add(Destination.Stream("s"));

        var create = () => AclPlan.Create(service);

        create.Should().Throw<InvalidOptionException>().Which.Setting.Should().Be(setting);
    }

    [Fact]
    public void ToLines_ArgumentsWithSpacesOrQuotes_AreQuotedForRedisCli()
    {
        AclPlan.Quote("plain:{x}*").Should().Be("plain:{x}*");
        AclPlan.Quote("a b").Should().Be("\"a b\"");
        AclPlan.Quote("say \"hi\"\\").Should().Be("\"say \\\"hi\\\"\\\\\"");
        AclPlan.EscapeGlob("a*b?[c]\\").Should().Be(@"a\*b\?\[c\]\\");
    }

    private AclService NewService(out (Destination Orders, Destination Jobs, Destination Events, Destination EventPattern) names)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        names = (Destination.Stream("orders"), Destination.Queue("jobs"), Destination.Channel($"acl-{id}:events"), Destination.Pattern($"acl-{id}:*"));
        var service = new AclService { User = "svc-" + id, Password = Password, KeyPrefix = fixture.NewPrefix().TrimEnd(':') };
        service.Publish.Add(names.Orders);
        service.Publish.Add(names.Jobs);
        service.Publish.Add(names.Events);
        service.Consume.Add(names.Orders);
        service.Consume.Add(names.Jobs);
        service.Consume.Add(names.Events);
        service.Consume.Add(names.EventPattern);
        return service;
    }

    private async Task<RedisClient> ConnectAdminAsync() => await RedisClient.ConnectAsync(RedisOptions.Parse(fixture.Url));

    private static async Task ApplyAsync(RedisClient admin, AclPlan plan)
    {
        foreach (var command in plan.SetUserCommands)
        {
            await admin.ExecuteAsync(new RedisCommand(command[0], [.. command.Skip(1).Select(a => (RedisArg)a)]));
        }
    }

    private async Task<HeraldClient> ConnectAsAsync(AclService service) =>
        await HeraldClient.CreateBuilder()
            .UseRedis($"redis://{service.User}:{Uri.EscapeDataString(Password)}@127.0.0.1:{fixture.Server.Port}")
            .Configure(options =>
            {
                options.KeyPrefix = service.KeyPrefix;

                // Beats and throughput flushes run often, so the ACL log would show them if the plan refused them.
                options.WorkerHeartbeatInterval = TimeSpan.FromMilliseconds(100);
                options.Streams["orders"] = new StreamOptions { Partitions = 2, MaxLength = 1000, TrimInterval = TimeSpan.FromMilliseconds(100) };
            })
            .BuildAsync();

    private static async Task<long> DeadLetterCountAsync(RedisClient admin, HeraldClient bus, string stream)
    {
        long count = 0;
        for (var partition = 0; partition < 2; partition++)
            count += await admin.StreamLengthAsync(bus.Keys.DeadLetters(stream, partition));
        return count;
    }

    // ACL LOG records every refused command with the user and what was refused.
    private static async Task<IReadOnlyList<string>> RefusalsAsync(RedisClient admin, string user)
    {
        var log = await admin.ExecuteAsync("ACL", "LOG");
        return [.. log.Items.Select(entry => entry.AsDictionary())
            .Where(entry => entry["username"].AsString() == user)
            .Select(entry => $"{entry["reason"].AsString()} {entry["object"].AsString()}")];
    }

    private static ValueTask Handled(ConcurrentQueue<string> into, string id)
    {
        into.Enqueue(id);
        return ValueTask.CompletedTask;
    }

    private static async Task ShouldBeRefused(Func<Task> action, string what)
    {
        var error = await action.Should().ThrowAsync<RedisServerException>(what);
        error.Which.Kind.Should().Be(RedisErrorKind.NoPerm, what);
    }
}
