using Herald.TestKit;

namespace Herald.Redis.Tests.Client;

/// <summary>
/// Responders for <see cref="FakeRespServer"/> that pass the client's handshake and answer <c>PING</c> and
/// <c>ECHO</c> as Redis does, so a test scripts only the replies it is about.
/// </summary>
internal static class FakeRedis
{
    /// <summary>A RESP3 <c>HELLO</c> reply (a map), as Redis 7 sends it.</summary>
    public static FakeReply Hello3 { get; } = FakeReply.Raw(
        "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n$5\r\nproto\r\n:3\r\n");

    /// <summary>
    /// A responder: <paramref name="script"/> answers first (null means "not mine"); the handshake, <c>PING</c>
    /// and <c>ECHO</c> fall back to Redis' answers; <c>HELLO</c> gets <paramref name="hello"/> when given.
    /// </summary>
    public static Func<FakeRequest, FakeReply> Responder(Func<FakeRequest, FakeReply?>? script = null, FakeReply? hello = null) =>
        request => script?.Invoke(request) ?? Default(request, hello);

    private static FakeReply Default(FakeRequest request, FakeReply? hello) => request.Command switch
    {
        "HELLO" => hello ?? Hello3,
        "AUTH" or "CLIENT" or "SELECT" => FakeReply.Ok,
        "INFO" => FakeReply.Bulk("# Server\r\nredis_version:7.2.4\r\n"),
        "PING" => FakeReply.Simple("PONG"),
        "ECHO" => FakeReply.Bulk(request.Arguments[1]),
        _ => FakeReply.Error($"ERR unknown command '{request.Command}'"),
    };
}
