using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Redis.Tests.Commands;

public sealed class PubSubCommandsTests(RedisFixture fixture) : CommandTestBase(fixture)
{
    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task PublishAsync_NoSubscribers_ReachesNobody(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);

        (await redis.PublishAsync(NewKey("ch"), "hello")).Should().Be(0);
        (await redis.ShardPublishAsync(NewKey("sch"), "hello")).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task PublishAsync_Subscriber_IsCountedAndReceives(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var channel = NewKey("ch");
        var pattern = Fixture.NewPrefix() + "*";
        await using var subscription = await redis.Subscriber.SubscribeAsync(channel);
        await using var patternSubscription = await redis.Subscriber.PatternSubscribeAsync(pattern);

        var other = NewKey("other");

        (await redis.SubscriberCountsAsync([channel, other])).Should().BeEquivalentTo(new Dictionary<string, long> { [channel] = 1, [other] = 0 });
        (await redis.ActiveChannelsAsync(channel)).Should().Equal(channel);
        (await redis.ActiveChannelsAsync()).Should().Contain(channel);
        (await redis.PatternSubscriptionCountAsync()).Should().BeGreaterThanOrEqualTo(1);
        (await redis.PublishAsync(channel, "hello")).Should().Be(1);

        var message = await subscription.Reader.ReadAsync();
        message.Channel.Should().Be(channel);
        message.PayloadAsString().Should().Be("hello");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ShardPublishAsync_ShardSubscriber_IsCounted(RedisProtocol protocol)
    {
        await using var redis = await ConnectAsync(protocol);
        var channel = NewKey("sch");
        await using var subscription = await redis.Subscriber.ShardedSubscribeAsync(channel);

        (await redis.ShardPublishAsync(channel, "hello")).Should().Be(1);
        (await subscription.Reader.ReadAsync()).PayloadAsString().Should().Be("hello");
    }
}
