using Herald.Redis.PubSub;
using Herald.TestKit;

namespace Herald.Redis.Tests.PubSub;

/// <summary>What the pub/sub tests do again and again: connect, publish, receive, and ask the server what it holds.</summary>
internal static class PubSubTestClient
{
    /// <summary>Long enough for a loaded two-core CI machine; a healthy run needs milliseconds.</summary>
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Covers a server restart plus the client's reconnect back-off.</summary>
    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    public static ValueTask<RedisClient> ConnectAsync(string url, RedisProtocol protocol, Action<RedisOptions>? configure = null)
    {
        var options = RedisOptions.Parse(url);
        options.Protocol = protocol;
        configure?.Invoke(options);
        return RedisClient.ConnectAsync(options);
    }

    /// <summary>Publishes and returns how many server-side subscribers got the message.</summary>
    public static async Task<long> PublishAsync(this RedisClient client, string channel, RedisArg payload, string command = "PUBLISH") =>
        (await client.ExecuteAsync(command, channel, payload)).AsInt64();

    public static async Task<PubSubMessage> ReceiveAsync(this Subscription subscription, TimeSpan? timeout = null)
    {
        var limit = timeout ?? ReceiveTimeout;
        try
        {
            return await subscription.Reader.ReadAsync().AsTask().WaitAsync(limit);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"No message on {subscription.Kind} '{subscription.Name}' within {limit.TotalSeconds:0} s.", exception);
        }
    }

    /// <summary><c>PUBSUB NUMSUB</c> (or <c>SHARDNUMSUB</c>) for one channel.</summary>
    public static async Task<long> SubscriberCountAsync(this RedisClient client, string channel, string subcommand = "NUMSUB") =>
        (await client.ExecuteAsync("PUBSUB", subcommand, channel))[1].AsInt64();

    public static async Task<long> PatternCountAsync(this RedisClient client) =>
        (await client.ExecuteAsync("PUBSUB", "NUMPAT")).AsInt64();

    /// <summary>
    /// Publishes numbered probes until the server reports a subscriber, then waits for that probe:
    /// messages published while the subscription is being restored are lost (at-most-once), so a
    /// single publish cannot tell "recovered" from "not yet".
    /// </summary>
    public static async Task PublishUntilReceivedAsync(this RedisClient client, string channel, Subscription subscription, string command = "PUBLISH")
    {
        var probe = 0;
        string? delivered = null;
        await Wait.UntilAsync(
            async () =>
            {
                var payload = $"probe-{probe++}";
                if (await TryPublishAsync(client, channel, payload, command) == 0)
                    return false;
                delivered = payload;
                return true;
            },
            RecoveryTimeout,
            $"'{channel}' has a subscriber on the server again");

        var message = await subscription.ReceiveAsync();
        message.PayloadAsString().Should().Be(delivered, "only the probe the server delivered can arrive");
    }

    // While the server restarts, a publish can fail or time out: that only means "not yet".
    private static async Task<long> TryPublishAsync(RedisClient client, string channel, string payload, string command)
    {
        try
        {
            return await client.PublishAsync(channel, payload, command);
        }
        catch (RedisConnectionException)
        {
            return 0;
        }
    }
}
