using System.Net.Sockets;

namespace Herald.TestKit.Tests;

public sealed class RedisServerTests
{
    [Fact]
    public async Task StartAsync_Default_ServesOnLoopbackWithoutPersistence()
    {
        await using var server = await RedisServer.StartAsync();

        server.Url.Should().Be($"redis://127.0.0.1:{server.Port}");
        server.Certificates.Should().BeNull();
        Directory.Exists(server.DataDirectory).Should().BeTrue();
        (await server.CliAsync("PING")).Should().Be("PONG");
        (await server.CliAsync("CONFIG", "GET", "save")).Should().Be("save");
        (await server.CliAsync("CONFIG", "GET", "appendonly")).Should().Be("appendonly\nno");
        await using var client = await RawClient.ConnectAsync(server.Port);
        await client.SendCommandAsync("PING");
        (await client.ReceiveStringAsync(7)).Should().Be("+PONG\r\n");
    }

    [Fact]
    public async Task StartAsync_ExtraArguments_ReachTheServer()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { ExtraArguments = ["--maxmemory-policy", "allkeys-lru"] });

        (await server.CliAsync("CONFIG", "GET", "maxmemory-policy")).Should().Be("maxmemory-policy\nallkeys-lru");
    }

    [Fact]
    public async Task StartAsync_TwoServers_GetDistinctPortsAndDirectories()
    {
        await using var first = await RedisServer.StartAsync();
        await using var second = await RedisServer.StartAsync();

        second.Port.Should().NotBe(first.Port);
        second.DataDirectory.Should().NotBe(first.DataDirectory);
    }

    [Fact]
    public async Task RestartAsync_AppendOnly_KeepsDataOnTheSamePort()
    {
        await using var server = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true });
        var port = server.Port;
        var processId = server.ProcessId;
        await server.CliAsync("SET", "t:restart", "survives");

        await server.RestartAsync();

        server.Port.Should().Be(port);
        server.ProcessId.Should().NotBe(processId);
        (await server.CliAsync("GET", "t:restart")).Should().Be("survives");
    }

    [Fact]
    public async Task KillAsync_WithoutAppendOnly_LosesDataAcrossRestart()
    {
        await using var server = await RedisServer.StartAsync();
        await server.CliAsync("SET", "t:kill", "lost");

        await server.KillAsync();
        server.IsRunning.Should().BeFalse();
        await server.RestartAsync();

        (await server.CliAsync("EXISTS", "t:kill")).Should().Be("0");
    }

    [Fact]
    public async Task StopAsync_Running_ClosesThePort()
    {
        await using var server = await RedisServer.StartAsync();

        await server.StopAsync();

        server.IsRunning.Should().BeFalse();
        var connect = () => RawClient.ConnectAsync(server.Port);
        await connect.Should().ThrowAsync<SocketException>();
    }

    [Fact]
    public async Task CliAsync_ErrorReply_ThrowsWithTheServerMessage()
    {
        await using var server = await RedisServer.StartAsync();

        var act = () => server.CliAsync("NOSUCHCOMMAND");

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*unknown command*");
    }

    [Fact]
    public async Task DisposeAsync_Running_StopsProcessAndRemovesDataDirectory()
    {
        var server = await RedisServer.StartAsync();
        var processId = server.ProcessId;

        await server.DisposeAsync();

        Directory.Exists(server.DataDirectory).Should().BeFalse();
        Directory.Exists($"/proc/{processId}").Should().BeFalse();
    }
}
