using Herald.TestKit;

namespace Herald.Redis.Tests.PubSub;

public sealed class PubSubTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_MessagePublished_IsReceivedWithItsChannel(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "news";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);

        var receivers = await client.PublishAsync(channel, "hello");
        var message = await subscription.ReceiveAsync();

        client.ProtocolVersion.Should().Be((int)protocol);
        receivers.Should().Be(1);
        message.Channel.Should().Be(channel);
        message.PayloadAsString().Should().Be("hello");
        message.Pattern.Should().BeNull();
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_BinaryPayload_ArrivesByteForByte(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "bytes";
        var payload = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$-1\r\n"u8.ToArray()).ToArray();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);

        await client.PublishAsync(channel, payload);
        var message = await subscription.ReceiveAsync();

        message.Payload.ToArray().Should().Equal(payload);
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_ManyMessagesSomeLargerThanOneRead_ArriveInOrderByteForByte(RedisProtocol protocol)
    {
        // Pipelined publishes reach the subscriber packed into reads, small frames whole and large ones in
        // pieces: each is read by whichever parser fits, and none is lost, split or merged.
        var channel = fixture.NewPrefix() + "mixed";
        var payloads = Enumerable.Range(0, 300)
            .Select(i => Enumerable.Repeat((byte)('a' + (i % 26)), i % 50 == 7 ? 150_000 + i : i).ToArray())
            .ToArray();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var subscription = await client.Subscriber.SubscribeAsync(channel);

        await Task.WhenAll(payloads.Select(payload => client.PublishAsync(channel, payload)));
        foreach (var payload in payloads)
        {
            (await subscription.ReceiveAsync()).Payload.ToArray().Should().Equal(payload);
        }
    }

    [Theory]
    [BothProtocols]
    public async Task PatternSubscribeAsync_MatchingChannel_ReceivesPatternAndChannel(RedisProtocol protocol)
    {
        var prefix = fixture.NewPrefix();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var subscription = await client.Subscriber.PatternSubscribeAsync(prefix + "orders:*");

        var unmatched = await client.PublishAsync(prefix + "invoices:7", "invoice");
        var matched = await client.PublishAsync(prefix + "orders:42", "order");
        var message = await subscription.ReceiveAsync();

        unmatched.Should().Be(0);
        matched.Should().Be(1);
        message.Pattern.Should().Be(prefix + "orders:*");
        message.Channel.Should().Be(prefix + "orders:42");
        message.PayloadAsString().Should().Be("order");
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_TwoSubscribersOfOneChannel_ShareOneServerSubscriptionAndEachGetsEveryMessage(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "shared";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var first = await client.Subscriber.SubscribeAsync(channel);
        await using var second = await client.Subscriber.SubscribeAsync(channel);

        var receivers = new List<long>();
        for (var i = 0; i < 3; i++)
            receivers.Add(await client.PublishAsync(channel, $"m{i}"));

        (await client.SubscriberCountAsync(channel)).Should().Be(1);
        client.Subscriber.SubscriptionCount.Should().Be(1);
        receivers.Should().Equal(1, 1, 1);
        foreach (var subscription in new[] { first, second })
        {
            for (var i = 0; i < 3; i++)
                (await subscription.ReceiveAsync()).PayloadAsString().Should().Be($"m{i}");
        }
    }

    [Theory]
    [BothProtocols]
    public async Task DisposeAsync_LastSubscriberLeaves_ServerUnsubscribes(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "leaving";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        var first = await client.Subscriber.SubscribeAsync(channel);
        var second = await client.Subscriber.SubscribeAsync(channel);

        await first.DisposeAsync();
        var receiversWithOneLeft = await client.PublishAsync(channel, "still here");
        var message = await second.ReceiveAsync();
        var countWithOneLeft = await client.SubscriberCountAsync(channel);
        await second.DisposeAsync();

        await first.Reader.Completion.WaitAsync(PubSubTestClient.ReceiveTimeout);
        receiversWithOneLeft.Should().Be(1);
        message.PayloadAsString().Should().Be("still here");
        countWithOneLeft.Should().Be(1);
        await Wait.UntilAsync(async () => await client.SubscriberCountAsync(channel) == 0, because: "UNSUBSCRIBE reaches the server");
        await second.Reader.Completion.WaitAsync(PubSubTestClient.ReceiveTimeout);
        client.Subscriber.SubscriptionCount.Should().Be(0);
    }

    [Theory]
    [BothProtocols]
    public async Task DisposeAsync_PatternSubscription_ServerDropsThePattern(RedisProtocol protocol)
    {
        var prefix = fixture.NewPrefix();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var other = await client.Subscriber.PatternSubscribeAsync(prefix + "other:*");
        var subscription = await client.Subscriber.PatternSubscribeAsync(prefix + "orders:*");

        await subscription.DisposeAsync();

        await Wait.UntilAsync(async () => await client.PublishAsync(prefix + "orders:1", "gone") == 0, because: "PUNSUBSCRIBE reaches the server");
        (await client.PublishAsync(prefix + "other:1", "kept")).Should().Be(1);
        (await other.ReceiveAsync()).PayloadAsString().Should().Be("kept");
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_AgainAfterTheLastSubscriberLeft_SubscribesAnew(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "again";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        var first = await client.Subscriber.SubscribeAsync(channel);
        await first.DisposeAsync();

        await using var second = await client.Subscriber.SubscribeAsync(channel);
        await client.PublishUntilReceivedAsync(channel, second);

        (await client.SubscriberCountAsync(channel)).Should().Be(1);
    }

    [Fact]
    public async Task SubscribeAsync_WhileTheLastSubscriberLeaves_IsConfirmedAndStaysSubscribed()
    {
        // The race is narrow: it needs a thread to lose its core at the wrong instruction. More lanes
        // than cores, each churning its own channel, make that likely within a few hundred rounds.
        const int lanes = 8;
        const int rounds = 400;
        var prefix = fixture.NewPrefix();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, RedisProtocol.Resp3, o => o.CommandTimeout = TimeSpan.FromSeconds(10));

        var survivors = await Task.WhenAll(Enumerable.Range(0, lanes).Select(lane => RunOnOwnThread(async () =>
        {
            var channel = $"{prefix}churn:{lane}";
            var current = await client.Subscriber.SubscribeAsync(channel);
            for (var round = 0; round < rounds; round++)
            {
                var leaving = current;
                var gate = new StartingGate(2);
                var arriving = RunOnOwnThread(async () =>
                {
                    gate.Pass();
                    return await client.Subscriber.SubscribeAsync(channel);
                });
                gate.Pass();
                await leaving.DisposeAsync();
                current = await arriving;
            }

            return current;
        })));

        // A round trip on the subscriber connection: every earlier (UN)SUBSCRIBE has been processed.
        await (await client.Subscriber.SubscribeAsync(prefix + "marker")).DisposeAsync();
        foreach (var survivor in survivors)
        {
            (await client.SubscriberCountAsync(survivor.Name)).Should().Be(1, "{0} has a live subscriber", survivor.Name);
            (await client.PublishAsync(survivor.Name, "last")).Should().Be(1);
            (await survivor.ReceiveAsync()).PayloadAsString().Should().Be("last");
            await survivor.DisposeAsync();
        }
    }

    [Theory]
    [BothProtocols]
    public async Task ShardedSubscribeAsync_StandaloneRedis7_ReceivesSpublish(RedisProtocol protocol)
    {
        var channel = fixture.NewPrefix() + "sharded";
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        var subscription = await client.Subscriber.ShardedSubscribeAsync(channel);

        var receivers = await client.PublishAsync(channel, "sharded hello", "SPUBLISH");
        var message = await subscription.ReceiveAsync();
        var serverCount = await client.SubscriberCountAsync(channel, "SHARDNUMSUB");
        await subscription.DisposeAsync();

        receivers.Should().Be(1);
        message.Channel.Should().Be(channel);
        message.PayloadAsString().Should().Be("sharded hello");
        message.Pattern.Should().BeNull();
        serverCount.Should().Be(1);
        await Wait.UntilAsync(async () => await client.SubscriberCountAsync(channel, "SHARDNUMSUB") == 0, because: "SUNSUBSCRIBE reaches the server");
    }

    [Theory]
    [BothProtocols]
    public async Task SubscribeAsync_ChannelAndMatchingPattern_EachSubscriptionGetsItsOwnCopy(RedisProtocol protocol)
    {
        var prefix = fixture.NewPrefix();
        await using var client = await PubSubTestClient.ConnectAsync(fixture.Url, protocol);
        await using var channel = await client.Subscriber.SubscribeAsync(prefix + "orders:1");
        await using var pattern = await client.Subscriber.PatternSubscribeAsync(prefix + "orders:*");

        var receivers = await client.PublishAsync(prefix + "orders:1", "both");

        receivers.Should().Be(2);
        (await channel.ReceiveAsync()).Pattern.Should().BeNull();
        (await pattern.ReceiveAsync()).Pattern.Should().Be(prefix + "orders:*");
        channel.Reader.TryRead(out _).Should().BeFalse("the channel subscription must not also get the pattern's copy");
    }

    // A thread of its own: spinning parties on pool threads would starve the pool of the threads
    // that deliver confirmations.
    private static Task<T> RunOnOwnThread<T>(Func<Task<T>> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    // Holds each side until all have arrived, spinning, so that they race as closely as threads allow.
    private sealed class StartingGate(int parties)
    {
        private int _arrived;

        public void Pass()
        {
            Interlocked.Increment(ref _arrived);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _arrived) < parties)
                spinner.SpinOnce();
        }
    }
}
