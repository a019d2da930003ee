using Herald.Consuming;
using Herald.Redis.Commands;
using Herald.TestKit;

namespace Herald.Tests;

/// <summary>One redis-server for a test class; each test builds its own bus with its own key prefix.</summary>
public sealed class BusFixture : RedisFixture
{
    public async Task<HeraldClient> CreateBusAsync(string prefix, Action<HeraldOptions>? configure = null)
    {
        var builder = HeraldClient.CreateBuilder()
            .UseRedis(Url)
            .Configure(options =>
            {
                options.KeyPrefix = prefix.TrimEnd(':');
                configure?.Invoke(options);
            });
        return await builder.BuildAsync();
    }

    /// <summary>Waits until stream <paramref name="name"/> of <paramref name="bus"/> has <paramref name="count"/> dead letters, and returns them.</summary>
    public static async Task<IReadOnlyList<StreamEntry>> DeadLettersAsync(HeraldClient bus, string name, int count)
    {
        var key = bus.Keys.DeadLetters(name);
        await Wait.UntilAsync(async () => await bus.Redis!.StreamLengthAsync(key) >= count, because: $"{count} messages of {name} are dead-lettered");
        return await bus.Redis!.StreamRangeAsync(key);
    }

    /// <summary>The single dead letter of stream <paramref name="name"/> once it is there.</summary>
    public static async Task<StreamEntry> DeadLetterAsync(HeraldClient bus, string name) => (await DeadLettersAsync(bus, name, 1)).Single();

    /// <summary>Consumer settings for tests: short blocking reads and timeouts so failures show quickly.</summary>
    public static void Fast(ConsumerOptions options)
    {
        options.BlockTime = TimeSpan.FromMilliseconds(100);
        options.VisibilityTimeout = TimeSpan.FromSeconds(2);
        options.StartFrom = "0";
        options.Retry.InProcessRetries = 0;
        options.Retry.DelayedRetryDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelayedRetryDelay = TimeSpan.FromMilliseconds(200);
        options.StopTimeout = TimeSpan.FromSeconds(5);
    }
}
