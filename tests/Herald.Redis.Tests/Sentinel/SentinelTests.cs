using System.Collections.Concurrent;
using System.Globalization;
using Herald.Redis.Tests.PubSub;
using Herald.TestKit;

namespace Herald.Redis.Tests.Sentinel;

/// <summary>One sentinel deployment for every test here: slow to start, and a failover changes it for all.</summary>
[CollectionDefinition(Name)]
public sealed class SentinelCollection : ICollectionFixture<SentinelFixture>
{
    public const string Name = "Sentinel";
}

[Collection(SentinelCollection.Name)]
public sealed class SentinelTests(SentinelFixture fixture)
{
    private static readonly TimeSpan s_failoverTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [BothProtocols]
    public async Task ConnectAsync_SentinelUrl_WritesGoToThePrimary(RedisProtocol protocol)
    {
        var key = $"t:sentinel:{Guid.NewGuid():N}";
        await using var client = await ConnectAsync(protocol);
        var primary = await PrimaryAsync();

        await client.ExecuteAsync("SET", key, "written");

        client.Endpoint.Should().Be(primary);
        (await client.ExecuteAsync("ROLE"))[0].AsString().Should().Be("master");
        (await ServerAt(primary).CliAsync("GET", key)).Should().Be("written");
    }

    [Fact]
    public async Task ConnectAsync_UnknownServiceName_FailsNamingTheService()
    {
        var options = RedisOptions.Parse(fixture.SentinelUrl.Replace(fixture.ServiceName, "no-such-service", StringComparison.Ordinal));

        var connect = async () => await RedisClient.ConnectAsync(options);

        var error = (await connect.Should().ThrowAsync<RedisConnectionException>()).Which;
        error.Failure.Should().Be(RedisConnectionFailure.ConnectFailed);
        error.Message.Should().Contain("no-such-service");
        foreach (var sentinel in fixture.Sentinels)
            error.Message.Should().Contain($"127.0.0.1:{sentinel.Port}", "every sentinel was asked and says so");
    }

    /// <remarks>
    /// Redis replicates asynchronously, and <c>SENTINEL FAILOVER</c> promotes the replica while the old
    /// primary keeps accepting writes until the sentinels demote it seconds later: whatever the old primary
    /// acknowledges after the promotion is lost by Redis itself, before any client can hear of the switch
    /// (without the pause below, about 0.6 s of acknowledged writes went). So the test does what Redis's
    /// own <c>FAILOVER</c> command does: pause writes on the old primary and let the replica catch up
    /// first. Then an acknowledged write can only go missing through the client: a reply matched to the
    /// wrong command, a command acknowledged by a server that is not the primary, or one sent twice.
    /// </remarks>
    [Fact]
    public async Task RedisClient_SentinelFailoverWhileWriting_FollowsTheNewPrimaryAndLosesNoAcknowledgedWrite()
    {
        var prefix = $"t:failover:{Guid.NewGuid():N}:";
        await using var client = await ConnectAsync(RedisProtocol.Resp3, o => o.CommandTimeout = TimeSpan.FromSeconds(2));
        var oldPrimary = await PrimaryAsync();
        var oldServer = ServerAt(oldPrimary);
        var replica = new[] { fixture.Primary, fixture.Replica }.Single(s => s != oldServer);
        client.Endpoint.Should().Be(oldPrimary);
        await using var subscription = await client.Subscriber.SubscribeAsync(prefix + "news");
        await using var heldLease = await client.LeaseAsync();
        (await PortOfAsync(heldLease)).Should().Be(oldPrimary.Port);
        await using (var idleLease = await client.LeaseAsync())
            (await PortOfAsync(idleLease)).Should().Be(oldPrimary.Port);

        var before = Enumerable.Range(0, 100).Select(i => $"{prefix}before:{i}").ToList();
        await Task.WhenAll(before.Select(key => client.ExecuteAsync("SET", key, key).AsTask()));
        var replicas = await client.ExecuteAsync(new RedisCommand("WAIT", 1, 0).WithTimeout(s_failoverTimeout));
        replicas.AsInt64().Should().BeGreaterThanOrEqualTo(1, "the writes before the failover reached the replica");

        using var writer = new SequentialWriter(client, prefix + "during:");
        var writing = writer.RunAsync();
        await Wait.UntilAsync(() => writer.AcknowledgedCount >= 20, because: "writes flow before the failover");
        try
        {
            await oldServer.CliAsync("CLIENT", "PAUSE", "30000", "WRITE");
            await Wait.UntilAsync(async () => await ReplicationOffsetAsync(replica, "slave_repl_offset") >= await ReplicationOffsetAsync(oldServer, "master_repl_offset"), because: "the replica has every acknowledged write");

            await fixture.Sentinels[0].CliAsync("SENTINEL", "FAILOVER", fixture.ServiceName);
            await Wait.UntilAsync(async () => await PrimaryAsync() != oldPrimary, s_failoverTimeout, "the sentinels promote the replica");
            var newPrimary = await PrimaryAsync();
            await using var reader = await RedisClient.ConnectAsync($"redis://{newPrimary}");
            await Wait.UntilAsync(
                async () => client.Endpoint == newPrimary && await IsMasterAsync(client),
                s_failoverTimeout,
                $"the client follows the primary to {newPrimary}");
            var acknowledgedAtSwitch = writer.AcknowledgedCount;
            await Wait.UntilAsync(() => writer.AcknowledgedCount >= acknowledgedAtSwitch + 20, because: "writes resume on the new primary");
            await Wait.UntilAsync(
                async () => await reader.SubscriberCountAsync(subscription.Name) == 1,
                TimeSpan.FromSeconds(5),
                "the subscriber follows the switch too, not only once the sentinels demote the old primary (8 s or more later)");
            await writer.StopAsync(writing);

            var missing = await MissingKeysAsync(reader, [.. before, .. writer.AcknowledgedKeys]);
            missing.Should().BeEmpty("every SET that returned OK ({0} of {1} during the failover) must survive it", writer.AcknowledgedCount, writer.Attempted);
            client.Endpoint.Should().Be(newPrimary).And.NotBe(oldPrimary);

            await client.PublishUntilReceivedAsync(subscription.Name, subscription);
            (await PortOfAsync(heldLease)).Should().Be(newPrimary.Port, "a lease held through the switch moves at its next call");
            await using var newLease = await client.LeaseAsync();
            (await PortOfAsync(newLease)).Should().Be(newPrimary.Port, "no idle connection to the old primary is handed out");
        }
        finally
        {
            await oldServer.CliAsync("CLIENT", "UNPAUSE");
        }
    }

    // Which server a connection is on: CONFIG GET port answers even while writes are paused.
    private static async Task<int> PortOfAsync(IRedisExecutor executor) =>
        int.Parse((await executor.ExecuteAsync("CONFIG", "GET", "port"))[1].AsString()!, CultureInfo.InvariantCulture);

    private static async Task<long> ReplicationOffsetAsync(RedisServer server, string field)
    {
        var info = await server.CliAsync("INFO", "replication");
        var line = info.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private async Task<RedisClient> ConnectAsync(RedisProtocol protocol, Action<RedisOptions>? configure = null)
    {
        var options = RedisOptions.Parse(fixture.SentinelUrl);
        options.Protocol = protocol;
        options.ReconnectMaxDelay = TimeSpan.FromSeconds(1);
        configure?.Invoke(options);
        return await RedisClient.ConnectAsync(options);
    }

    private async Task<RedisEndpoint> PrimaryAsync()
    {
        var (host, port) = await fixture.GetPrimaryAddressAsync();
        return new RedisEndpoint(host, port);
    }

    private RedisServer ServerAt(RedisEndpoint endpoint) =>
        new[] { fixture.Primary, fixture.Replica }.Single(s => s.Port == endpoint.Port);

    private static async Task<bool> IsMasterAsync(RedisClient client)
    {
        try
        {
            return (await client.ExecuteAsync("ROLE"))[0].AsString() == "master";
        }
        catch (RedisConnectionException)
        {
            return false;
        }
    }

    private static async Task<List<string>> MissingKeysAsync(RedisClient reader, IReadOnlyList<string> keys)
    {
        var missing = new List<string>();
        foreach (var chunk in keys.Chunk(500))
        {
            var values = await reader.ExecuteAsync("MGET", [.. chunk.Select(k => (RedisArg)k)]);
            missing.AddRange(chunk.Where((key, i) => values[i].AsString() != key));
        }

        return missing;
    }

    /// <summary>
    /// Writes one key after another, each awaited, and remembers which the server acknowledged. A write
    /// that failed (connection lost, timeout, READONLY) may or may not have happened: it is not counted.
    /// </summary>
    private sealed class SequentialWriter(RedisClient client, string prefix) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _acknowledged = new();

        public int AcknowledgedCount => _acknowledged.Count;

        public IReadOnlyList<string> AcknowledgedKeys => [.. _acknowledged];

        public int Attempted { get; private set; }

        public async Task RunAsync()
        {
            // Paced, so that a loaded machine is not flooded and the key count stays small.
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            try
            {
                while (await pace.WaitForNextTickAsync(_stop.Token))
                {
                    var key = prefix + Attempted.ToString(CultureInfo.InvariantCulture);
                    Attempted++;
                    try
                    {
                        await client.ExecuteAsync("SET", key, key);
                        _acknowledged.Enqueue(key);
                    }
                    catch (HeraldException)
                    {
                        // Not acknowledged: the test makes no claim about it.
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped.
            }
        }

        public async Task StopAsync(Task running)
        {
            await _stop.CancelAsync();
            await running;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
