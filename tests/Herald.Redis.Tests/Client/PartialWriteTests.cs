using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// A connection that breaks in the middle of a long write: the commands at the front of that write may
/// have reached the server and run, so they must not be reported as never sent.
/// </summary>
public sealed class PartialWriteTests
{
    private static readonly TimeSpan s_gateLimit = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task Fault_DuringLongWrite_CommandsTheServerReceivedMayHaveExecuted()
    {
        using var holdFirst = new ManualResetEventSlim();
        using var holdMarker = new ManualResetEventSlim();

        // Blocking the responder stops the fake from reading its socket: the kernel buffers fill and the
        // client's write of the batch below stays in progress while the server already holds its front.
        await using var server = FakeRespServer.Start(FakeRedis.Responder(request => request.Command switch
        {
            "HOLD" => Hold(holdFirst),
            "MARKER" => Hold(holdMarker),
            _ => null,
        }));
        await using var client = await ClientOptions.ConnectAsync(server.Port);

        var held = client.ExecuteAsync(new RedisCommand("HOLD"), RespParsers.String).AsTask();
        await Wait.UntilAsync(() => Received(server, "HOLD"), because: "the fake is holding the first command");
        var batch = client.CreateBatch();
        var marker = batch.ExecuteAsync(new RedisCommand("MARKER"), RespParsers.String).AsTask();
        var large = batch.ExecuteAsync(new RedisCommand("SET", "large", new byte[64 * 1024 * 1024]), RespParsers.String).AsTask();
        batch.Send();
        holdFirst.Set();
        await Wait.UntilAsync(() => Received(server, "MARKER"), because: "the server has received the front of the batch");

        server.DropAllConnections();
        holdMarker.Set();

        (await held).Should().Be("OK");
        var lost = (await FluentActions.Awaiting(() => marker).Should().ThrowAsync<RedisConnectionException>()).Which;
        lost.MayHaveExecuted.Should().BeTrue("the server received MARKER before the connection broke");
        await FluentActions.Awaiting(() => large).Should().ThrowAsync<RedisConnectionException>();
        await client.EchoesOwnRepliesAsync(10, "after");
    }

    private static FakeReply Hold(ManualResetEventSlim gate) =>
        gate.Wait(s_gateLimit) ? FakeReply.Ok : FakeReply.Error("ERR the test never released the gate");

    private static bool Received(FakeRespServer server, string command) => server.ReceivedCommands.Any(c => c[0] == command);
}
