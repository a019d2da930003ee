using System.Globalization;
using Xunit;

namespace Herald.TestKit;

/// <summary>
/// A primary, one replica and three sentinels (quorum 2) watching the service
/// <c>herald-primary</c>, tuned to fail over within seconds: <c>down-after-milliseconds 1000</c>,
/// <c>failover-timeout 5000</c>. Ready once the replica is in sync and every sentinel sees a
/// reachable quorum. After a failover <see cref="Primary"/> and <see cref="Replica"/> still name the
/// servers as they were started; ask <see cref="GetPrimaryAddressAsync"/> for the current primary.
/// </summary>
public sealed class SentinelFixture : IAsyncLifetime
{
    private const int SentinelCount = 3;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(30);

    private RedisServer? _primary;
    private RedisServer? _replica;
    private RedisServer[] _sentinels = [];

    /// <summary>The server started as the primary.</summary>
    public RedisServer Primary => _primary ?? throw NotInitialised();

    /// <summary>The server started as the replica of <see cref="Primary"/>.</summary>
    public RedisServer Replica => _replica ?? throw NotInitialised();

    /// <summary>The three sentinel processes.</summary>
    public IReadOnlyList<RedisServer> Sentinels => _sentinels;

    /// <summary>The monitored service: <c>herald-primary</c>.</summary>
    public string ServiceName { get; } = "herald-primary";

    /// <summary><c>redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/herald-primary</c>.</summary>
    public string SentinelUrl =>
        $"redis-sentinel://{string.Join(',', _sentinels.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Host}:{s.Port}")))}/{ServiceName}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(s_readyTimeout);
        try
        {
            _primary = await RedisServer.StartAsync(cancellationToken: timeout.Token);
            var replicaOf = new RedisServerOptions { ExtraArguments = ["--replicaof", _primary.Host, _primary.Port.ToString(CultureInfo.InvariantCulture)] };
            _replica = await RedisServer.StartAsync(replicaOf, timeout.Token);
            await Wait.UntilAsync(
                async () => (await _replica.CliAsync(["INFO", "replication"], timeout.Token)).Contains("master_link_status:up", StringComparison.Ordinal),
                s_readyTimeout,
                "the replica is in sync with the primary",
                timeout.Token);

            var monitor = new SentinelMonitor(ServiceName, _primary.Host, _primary.Port, Quorum: 2, DownAfterMilliseconds: 1000, FailoverTimeoutMilliseconds: 5000);
            var starting = Enumerable.Range(0, SentinelCount)
                .Select(_ => RedisServer.StartAsync(new RedisServerOptions(), monitor, timeout.Token))
                .ToArray();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                _sentinels = [.. starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)];
            }

            foreach (var sentinel in _sentinels)
            {
                await Wait.UntilAsync(
                    () => SeesQuorumAndReplicaAsync(sentinel, timeout.Token),
                    s_readyTimeout,
                    $"sentinel on port {sentinel.Port} sees {SentinelCount} sentinels and the replica",
                    timeout.Token);
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks the sentinels, in turn, where the primary of <see cref="ServiceName"/> is now.</summary>
    public async Task<(string Host, int Port)> GetPrimaryAddressAsync()
    {
        var failures = new List<Exception>();
        foreach (var sentinel in _sentinels.Where(s => s.IsRunning))
        {
            try
            {
                var reply = (await sentinel.CliAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName)).Split('\n', StringSplitOptions.TrimEntries);
                if (reply.Length == 2)
                    return (reply[0], int.Parse(reply[1], CultureInfo.InvariantCulture));
                failures.Add(new InvalidOperationException($"Sentinel on port {sentinel.Port} answered '{string.Join(' ', reply)}'."));
            }
            catch (InvalidOperationException exception)
            {
                failures.Add(exception);
            }
        }

        throw new AggregateException($"No sentinel could name the primary of {ServiceName}.", failures);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // Sentinels first, so that stopping the primary does not set off a failover.
        await Task.WhenAll(_sentinels.Select(s => s.DisposeAsync().AsTask()));
        await Task.WhenAll(new[] { _replica, _primary }.OfType<RedisServer>().Select(s => s.DisposeAsync().AsTask()));
    }

    private static InvalidOperationException NotInitialised() =>
        new("The fixture is not initialised yet: xunit calls InitializeAsync before the first test.");

    private async Task<bool> SeesQuorumAndReplicaAsync(RedisServer sentinel, CancellationToken cancellationToken)
    {
        try
        {
            var quorum = await sentinel.CliAsync(["SENTINEL", "CKQUORUM", ServiceName], cancellationToken);
            var replicas = await sentinel.CliAsync(["SENTINEL", "REPLICAS", ServiceName], cancellationToken);
            return quorum.Contains($"{SentinelCount} usable", StringComparison.Ordinal) && replicas.Length > 0;
        }
        catch (InvalidOperationException)
        {
            // CKQUORUM is an error until the sentinels have heard each other's hello messages.
            return false;
        }
    }
}
