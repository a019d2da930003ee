using System.Globalization;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// The multiplexer's core promise: however many callers share the connection, every reply goes to the
/// caller that asked. A million unique request/reply pairs from concurrent callers, each checked.
/// </summary>
public sealed class ConcurrentIntegrityTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Callers = 200;
    private const int PairsPerCaller = 1_000_000 / Callers;

    [Fact(Timeout = 180_000)]
    public async Task ExecuteAsync_MillionConcurrentUniquePairs_EveryReplyIsTheCallersOwn()
    {
        var prefix = redis.NewPrefix();
        await using var client = await ClientOptions.ConnectAsync(redis.Url);

        var results = await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(() => RunCallerAsync(client, prefix, caller))));

        results.Sum(static r => r.Pairs).Should().Be(Callers * PairsPerCaller);
        results.SelectMany(static r => r.Mismatches).Should().BeEmpty("no caller may receive another caller's reply");
    }

    // Mostly ECHO (pure request/reply), with SET+GET mixed in so writes and reads of stored values are
    // covered too. Values differ in length, so reply boundaries fall at every offset of the read buffer.
    private static async Task<CallerResult> RunCallerAsync(RedisClient client, string prefix, int caller)
    {
        var mismatches = new List<string>();
        var pairs = 0;
        var padding = new string('x', caller % 97);
        for (var i = 0; i < PairsPerCaller; i++)
        {
            var value = string.Create(CultureInfo.InvariantCulture, $"{caller}:{i}:{padding}");
            string? reply;
            if (i % 16 == 15 && i + 1 < PairsPerCaller)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"{prefix}{caller}");
                var set = await client.ExecuteAsync(new RedisCommand("SET", key, value).WithKey(), RespParsers.String);
                if (set != "OK")
                {
                    mismatches.Add($"SET by caller {caller} answered {set}");
                }

                reply = await client.ExecuteAsync(new RedisCommand("GET", key).WithKey(), RespParsers.String);
                pairs += 2;
                i++;
            }
            else
            {
                reply = await client.ExecuteAsync(new RedisCommand("ECHO", value), RespParsers.String);
                pairs++;
            }

            if (reply != value)
            {
                mismatches.Add($"caller {caller} sent {value} and received {reply}");
            }
        }

        return new CallerResult(pairs, mismatches);
    }

    private sealed record CallerResult(int Pairs, List<string> Mismatches);
}
