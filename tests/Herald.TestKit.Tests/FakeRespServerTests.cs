using System.Diagnostics;
using System.Text;

namespace Herald.TestKit.Tests;

public sealed class FakeRespServerTests
{
    private static readonly TimeSpan s_silence = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Start_ScriptedResponder_AnswersPipelinedCommandsInOrder()
    {
        await using var server = FakeRespServer.Start(request => request.Command switch
        {
            "PING" => FakeReply.Simple("PONG"),
            "GET" => FakeReply.Bulk("v:" + request.Arguments[1]),
            _ => FakeReply.Error("ERR unscripted"),
        });
        await using var client = await RawClient.ConnectAsync(server.Port);

        const string expected = "+PONG\r\n$3\r\nv:k\r\n-ERR unscripted\r\n";

        await client.SendAsync("*1\r\n$4\r\nping\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$3\r\nDEL\r\n");

        (await client.ReceiveStringAsync(expected.Length)).Should().Be(expected);
        server.Url.Should().Be($"redis://127.0.0.1:{server.Port}");
        server.ReceivedCommands.Should().BeEquivalentTo(new[] { ["PING"], new[] { "GET", "k" }, ["DEL"] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Start_InlineCommand_IsParsedAndUpperCased()
    {
        FakeRequest? seen = null;
        await using var server = FakeRespServer.Start(request =>
        {
            seen = request;
            return FakeReply.Ok;
        });
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync("set  key value\r\n");

        (await client.ReceiveLineAsync()).Should().Be("+OK");
        seen!.Arguments.Should().Equal("SET", "key", "value");
        seen.ConnectionId.Should().Be(1);
    }

    [Fact]
    public async Task Raw_Garbage_IsSentByteForByte()
    {
        byte[] garbage = [0x00, 0xFF, (byte)'?', (byte)'\r', 0x80];
        await using var server = FakeRespServer.Start(_ => FakeReply.Raw(garbage));
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendCommandAsync("GET", "k");

        var received = new List<byte>();
        while (received.Count < garbage.Length)
            received.AddRange(await client.ReceiveAsync());
        received.Should().Equal(garbage);
    }

    [Fact]
    public async Task Array_OfScalars_IsEncodedAsRespArray()
    {
        await using var server = FakeRespServer.Start(_ => FakeReply.Array(FakeReply.Integer(7), FakeReply.Bulk(null), FakeReply.Simple("x")));
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendCommandAsync("X");

        (await client.ReceiveStringAsync(17)).Should().Be("*3\r\n:7\r\n$-1\r\n+x\r\n");
    }

    [Fact]
    public async Task Nothing_Reply_LeavesTheClientWaiting()
    {
        await using var server = FakeRespServer.Start(_ => FakeReply.Nothing);
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendCommandAsync("PING");
        var read = () => client.ReceiveAsync(s_silence);

        await read.Should().ThrowAsync<OperationCanceledException>();
        server.ReceivedCommands.Should().ContainSingle();
    }

    [Fact]
    public async Task Close_Reply_EndsTheConnection()
    {
        await using var server = FakeRespServer.Start(_ => FakeReply.Close);
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendCommandAsync("PING");

        (await client.ReceiveToEndAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Delayed_Reply_ArrivesAfterTheDelay()
    {
        await using var server = FakeRespServer.Start(_ => FakeReply.Delayed(TimeSpan.FromMilliseconds(200), FakeReply.Ok));
        await using var client = await RawClient.ConnectAsync(server.Port);
        var clock = Stopwatch.StartNew();

        (await client.CallAsync("PING")).Should().Be("+OK");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190));
    }

    [Fact]
    public async Task Start_MalformedFrame_RepliesProtocolErrorAndCloses()
    {
        await using var server = FakeRespServer.Start(_ => FakeReply.Ok);
        await using var client = await RawClient.ConnectAsync(server.Port);

        await client.SendAsync("*1\r\n#oops\r\n");

        Encoding.ASCII.GetString(await client.ReceiveToEndAsync()).Should().StartWith("-ERR Protocol error");
    }

    [Fact]
    public async Task Start_ResponderThrows_RepliesWithAnError()
    {
        await using var server = FakeRespServer.Start(_ => throw new InvalidOperationException("boom"));
        await using var client = await RawClient.ConnectAsync(server.Port);

        (await client.CallAsync("PING")).Should().Be("-ERR fake responder threw InvalidOperationException: boom");
    }

    [Fact]
    public async Task DropAllConnections_LiveClients_SeeEndOfStreamAndMayReconnect()
    {
        var connections = new List<int>();
        await using var server = FakeRespServer.Start(request =>
        {
            lock (connections)
                connections.Add(request.ConnectionId);
            return FakeReply.Ok;
        });
        await using var first = await RawClient.ConnectAsync(server.Port);
        (await first.CallAsync("PING")).Should().Be("+OK");

        server.DropAllConnections();
        (await first.ReceiveToEndAsync()).Should().BeEmpty();
        await using var second = await RawClient.ConnectAsync(server.Port);
        (await second.CallAsync("PING")).Should().Be("+OK");

        connections.Should().Equal(1, 2);
    }
}
