using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Herald.TestKit.Tests;

public sealed class FaultProxyTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan s_silence = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task StartAsync_PlainForwarding_RelaysRequestAndReply()
    {
        await using var proxy = await StartProxyAsync();
        await using var client = await RawClient.ConnectAsync(proxy.Port);

        (await client.CallAsync("PING")).Should().Be("+PONG");
        proxy.Host.Should().Be("127.0.0.1");
        proxy.ConnectionCount.Should().Be(1);
        proxy.BytesForwarded.Should().Be("*1\r\n$4\r\nPING\r\n".Length + "+PONG\r\n".Length);
    }

    [Fact]
    public async Task Latency_Set_DelaysBothDirections()
    {
        await using var proxy = await StartProxyAsync();
        await using var client = await RawClient.ConnectAsync(proxy.Port);
        proxy.Latency = TimeSpan.FromMilliseconds(150);
        var clock = Stopwatch.StartNew();

        (await client.CallAsync("PING")).Should().Be("+PONG");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
    }

    [Fact]
    public async Task SliceSize_WithLatency_TricklesTheReplyIntact()
    {
        var key = fixture.NewPrefix() + "k";
        var value = new string('x', 40);
        await fixture.Server.CliAsync("SET", key, value);
        await using var proxy = await StartProxyAsync();
        await using var client = await RawClient.ConnectAsync(proxy.Port);
        proxy.SliceSize = 4;
        proxy.Latency = TimeSpan.FromMilliseconds(10);
        var expected = $"$40\r\n{value}\r\n";
        var clock = Stopwatch.StartNew();

        await client.SendCommandAsync("GET", key);
        var reads = new List<byte[]>();
        while (reads.Sum(r => r.Length) < expected.Length)
            reads.Add(await client.ReceiveAsync());

        Encoding.ASCII.GetString([.. reads.SelectMany(r => r)]).Should().Be(expected);
        reads.Should().HaveCountGreaterThan(1);
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(10 * (expected.Length / 4)));
    }

    [Fact]
    public async Task Blackhole_ThenHeal_DropsSilentlyThenForwardsAgain()
    {
        await using var proxy = await StartProxyAsync();
        await using var client = await ConnectWorkingClientAsync(proxy);

        proxy.Blackhole();
        await client.SendCommandAsync("PING");
        var silent = () => client.ReceiveAsync(s_silence);

        await silent.Should().ThrowAsync<OperationCanceledException>();
        proxy.ConnectionCount.Should().Be(1);

        proxy.Heal();
        (await client.CallAsync("ECHO", "healed")).Should().Be("$6");
        (await client.ReceiveLineAsync()).Should().Be("healed");
    }

    [Fact]
    public async Task Blackhole_NewConnection_IsAcceptedButNeverAnswered()
    {
        await using var proxy = await StartProxyAsync();
        proxy.Blackhole();
        await using var client = await RawClient.ConnectAsync(proxy.Port);

        await client.SendCommandAsync("PING");
        var silent = () => client.ReceiveAsync(s_silence);

        await silent.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ResetAll_LiveConnection_ClientSeesReset()
    {
        await using var proxy = await StartProxyAsync();
        await using var client = await ConnectWorkingClientAsync(proxy);

        proxy.ResetAll();
        var read = () => client.ReceiveAsync();

        (await read.Should().ThrowAsync<IOException>())
            .Which.InnerException.Should().BeOfType<SocketException>()
            .Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
        await Wait.UntilAsync(() => proxy.ConnectionCount == 0, because: "the reset connection is gone");
    }

    [Fact]
    public async Task CloseAfterBytes_ReplyLongerThanLimit_ClientGetsPrefixThenEndOfStream()
    {
        await using var proxy = await StartProxyAsync();
        await using var client = await RawClient.ConnectAsync(proxy.Port);
        proxy.CloseAfterBytes(3);

        await client.SendCommandAsync("PING");

        Encoding.ASCII.GetString(await client.ReceiveToEndAsync()).Should().Be("+PO");
    }

    [Fact]
    public async Task Heal_AfterCloseAfterBytes_NewConnectionsGetWholeReplies()
    {
        await using var proxy = await StartProxyAsync();
        proxy.CloseAfterBytes(1);
        proxy.Heal();
        await using var client = await RawClient.ConnectAsync(proxy.Port);

        (await client.CallAsync("PING")).Should().Be("+PONG");
    }

    private static async Task<RawClient> ConnectWorkingClientAsync(FaultProxy proxy)
    {
        var client = await RawClient.ConnectAsync(proxy.Port);
        (await client.CallAsync("PING")).Should().Be("+PONG", "the proxy forwards before any fault is set");
        return client;
    }

    private async Task<FaultProxy> StartProxyAsync()
    {
        var proxy = await FaultProxy.StartAsync(fixture.Server.Host, fixture.Server.Port);
        proxy.Port.Should().NotBe(fixture.Server.Port);
        return proxy;
    }
}
