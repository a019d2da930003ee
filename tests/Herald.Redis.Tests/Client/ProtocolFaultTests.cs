using System.Collections.Concurrent;
using System.Diagnostics;
using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// Replies a real Redis never sends, from a scripted fake server: the client must never hand a caller a
/// wrong reply; it drops the connection, fails what was pending with a typed error, and reconnects.
/// The handshake's fallbacks and refusals are covered here too.
/// </summary>
public sealed class ProtocolFaultTests
{
    private const string UnknownPush = ">3\r\n$7\r\nunknown\r\n$4\r\ndata\r\n:7\r\n";

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_GarbageReply_FailsPendingWithProtocolErrorAndReplacesConnection()
    {
        var echoes = new ConcurrentQueue<int>();
        await using var server = FakeRespServer.Start(FakeRedis.Responder(request =>
        {
            echoes.Enqueue(request.ConnectionId);
            return request.Arguments is ["ECHO", "garbage"] ? FakeReply.Raw("?what\r\n") : null;
        }));
        await using var client = await ClientOptions.ConnectAsync(server.Port);
        var batch = client.CreateBatch();
        var answered = Echo(batch, "answered");
        var garbage = Echo(batch, "garbage");
        var pending = Echo(batch, "pending");
        batch.Send();

        (await answered).Should().Be("answered");
        foreach (var failed in new[] { garbage, pending })
        {
            var error = (await FluentActions.Awaiting(() => failed).Should().ThrowAsync<RedisConnectionException>()).Which;
            error.Failure.Should().Be(RedisConnectionFailure.ProtocolError);
            error.InnerException.Should().BeOfType<RedisProtocolException>();
            error.MayHaveExecuted.Should().BeTrue();
        }

        var poisoned = echoes.First();
        await client.EchoesOwnRepliesAsync(20, "recovered");
        echoes.Last().Should().NotBe(poisoned, "the poisoned connection is replaced");
        await Wait.UntilAsync(() => server.ConnectionCount == 1, because: "the poisoned connection is closed");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_ReplyNobodyAskedFor_PoisonsConnectionAndClientRecovers()
    {
        var handshakes = new Handshakes();
        await using var server = FakeRespServer.Start(FakeRedis.Responder(handshakes.Counting(static request =>
            request.Arguments is ["ECHO", "twice"] ? FakeReply.Raw("$5\r\ntwice\r\n+EXTRA\r\n") : null)));
        await using var client = await ClientOptions.ConnectAsync(server.Port);

        (await client.ExecuteAsync(new RedisCommand("ECHO", "twice"), RespParsers.String)).Should().Be("twice");

        // With nothing in flight the extra reply is recognised as nobody's: the stream cannot be trusted.
        await Wait.UntilAsync(() => handshakes.Count == 2, because: "the client drops the connection and reconnects");
        await client.EchoesOwnRepliesAsync(20, "recovered");
        await Wait.UntilAsync(() => server.ConnectionCount == 1, because: "the poisoned connection is closed");
    }

    [Fact(Timeout = 60_000)]
    public async Task ExecuteAsync_PushOfUnknownKindOrAttributes_RepliesStayInPlace()
    {
        var handshakes = new Handshakes();
        await using var server = FakeRespServer.Start(FakeRedis.Responder(handshakes.Counting(static request => request.Arguments switch
        {
            ["ECHO", "push-before"] => FakeReply.Raw(UnknownPush + "$11\r\npush-before\r\n"),
            ["ECHO", "push-after"] => FakeReply.Raw("$10\r\npush-after\r\n" + UnknownPush),
            ["ECHO", "attributed"] => FakeReply.Raw("|1\r\n+ttl\r\n:3\r\n$10\r\nattributed\r\n"),
            _ => null,
        })));
        await using var client = await ClientOptions.ConnectAsync(server.Port);
        var batch = client.CreateBatch();
        var calls = new[] { "first", "push-before", "middle", "attributed", "push-after", "last" }.Select(value => (value, Echo(batch, value))).ToArray();
        batch.Send();

        foreach (var (value, call) in calls)
        {
            (await call).Should().Be(value);
        }

        // A push after the last reply arrives with nothing in flight: still a push, not a stray reply.
        (await client.ExecuteAsync(new RedisCommand("ECHO", "push-after"), RespParsers.String)).Should().Be("push-after");
        await client.EchoesOwnRepliesAsync(20, "behind");
        handshakes.Count.Should().Be(1, "a push never costs the connection");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("ERR unknown command 'HELLO', with args beginning with: '3'")]
    [InlineData("NOPROTO sorry, this protocol version is not supported")]
    public async Task ConnectAsync_HelloRefused_FallsBackToResp2(string refusal)
    {
        await using var server = FakeRespServer.Start(FakeRedis.Responder(hello: FakeReply.Error(refusal)));

        await using var client = await ClientOptions.ConnectAsync(server.Port, static o => o.Password = "secret");

        client.ProtocolVersion.Should().Be(2);
        server.ReceivedCommands.Should().ContainEquivalentOf(new[] { "AUTH", "secret" }, "RESP2 authenticates with AUTH");
        server.ReceivedCommands.Should().ContainEquivalentOf(new[] { "CLIENT", "SETNAME", "herald" });
        await client.EchoesOwnRepliesAsync(10, "resp2");
    }

    [Fact(Timeout = 60_000)]
    public async Task ConnectAsync_WrongPassword_ThrowsAuthenticationErrorAtOnce()
    {
        await using var server = FakeRespServer.Start(FakeRedis.Responder(
            hello: FakeReply.Error("WRONGPASS invalid username-password pair or user is disabled.")));
        var clock = Stopwatch.StartNew();

        await FluentActions.Awaiting(async () => await ClientOptions.ConnectAsync(server.Port, static o => o.Password = "wrong"))
            .Should().ThrowAsync<RedisAuthenticationException>().WithMessage("*WRONGPASS*");

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a refusal is reported as such, not after the 10 s connect timeout");
    }

    private static Task<string?> Echo(RedisBatch batch, string value) =>
        batch.ExecuteAsync(new RedisCommand("ECHO", value), RespParsers.String).AsTask();

    /// <summary>Counts the connections that completed a handshake: a new one means the old one was dropped.</summary>
    private sealed class Handshakes
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Func<FakeRequest, FakeReply?> Counting(Func<FakeRequest, FakeReply?> script) => request =>
        {
            if (request.Command == "HELLO")
            {
                Interlocked.Increment(ref _count);
            }

            return script(request);
        };
    }
}
