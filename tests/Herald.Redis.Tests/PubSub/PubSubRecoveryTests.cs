using Herald.TestKit;

namespace Herald.Redis.Tests.PubSub;

/// <summary>
/// The subscriber holds the desired subscriptions and restores them, exactly once, on every new
/// connection. The tests of this class share one server and run one after another, so the server
/// restart and <c>CLIENT KILL TYPE pubsub</c> disturb nobody else.
/// </summary>
public sealed class PubSubRecoveryTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Theory]
    [BothProtocols]
    public Task Subscriber_ServerRestarted_ResubscribesOnceAndMessagesFlowAgain(RedisProtocol protocol) =>
        AssertRecoversAsync(protocol, _ => fixture.Server.RestartAsync());

    [Theory]
    [BothProtocols]
    public Task Subscriber_ConnectionKilled_ResubscribesOnceAndMessagesFlowAgain(RedisProtocol protocol) =>
        AssertRecoversAsync(protocol, async client =>
        {
            var killed = await client.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
            killed.AsInt64().Should().BeGreaterThanOrEqualTo(1, "the subscriber connection counts as a pub/sub client");
        });

    private async Task AssertRecoversAsync(RedisProtocol protocol, Func<RedisClient, Task> disrupt)
    {
        var prefix = fixture.NewPrefix();
        var channel = prefix + "ch";
        var patternChannel = prefix + "p:1";
        var shardedChannel = prefix + "s";
        await using var client = await PubSubTestClient.ConnectAsync(
            fixture.Url,
            protocol,
            o => o.ReconnectMaxDelay = TimeSpan.FromSeconds(1));

        // Clients of earlier tests are closed, but the server may not have dropped their patterns yet.
        await Wait.UntilAsync(async () => await client.PatternCountAsync() == 0, because: "earlier tests' patterns are gone");
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);
        await using var patternSubscription = await client.Subscriber.PatternSubscribeAsync(prefix + "p:*");
        await using var shardedSubscription = await client.Subscriber.ShardedSubscribeAsync(shardedChannel);
        var patternsBefore = await client.PatternCountAsync();
        var connectionsBefore = client.Subscriber.ConnectionCount;

        await disrupt(client);

        await Wait.UntilAsync(
            () => client.Subscriber.ConnectionCount > connectionsBefore && client.Subscriber.IsConnected,
            PubSubTestClient.RecoveryTimeout,
            "the subscriber reconnects");
        await client.PublishUntilReceivedAsync(channel, subscription);
        await client.PublishUntilReceivedAsync(patternChannel, patternSubscription);
        await client.PublishUntilReceivedAsync(shardedChannel, shardedSubscription, "SPUBLISH");

        patternsBefore.Should().Be(1);
        (await client.SubscriberCountAsync(channel)).Should().Be(1, "the channel is subscribed on one connection");
        (await client.PatternCountAsync()).Should().Be(patternsBefore, "the pattern is subscribed once");
        (await client.SubscriberCountAsync(shardedChannel, "SHARDNUMSUB")).Should().Be(1, "the sharded channel is subscribed on one connection");
        client.Subscriber.ConnectionCount.Should().Be(connectionsBefore + 1, "one reconnect restores everything");
        client.Subscriber.SubscriptionCount.Should().Be(3);
        (await client.PublishAsync(channel, "after")).Should().Be(1);
        (await client.PublishAsync(patternChannel, "after pattern")).Should().Be(1);
        (await subscription.ReceiveAsync()).PayloadAsString().Should().Be("after", "a duplicate subscription would deliver the probe twice");
        (await patternSubscription.ReceiveAsync()).PayloadAsString().Should().Be("after pattern");
        subscription.Dropped.Should().Be(0);
    }
}
