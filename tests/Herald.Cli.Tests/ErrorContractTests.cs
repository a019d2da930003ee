using Herald.TestKit;

namespace Herald.Cli.Tests;

/// <summary>Every failure is one <c>error:</c> line on standard error and a distinct exit code, never a stack trace.</summary>
public sealed class ErrorContractTests
{
    [Fact]
    public async Task Ping_UnreachablePort_ExitsThreeWithOneErrorLine()
    {
        var port = FreePort.Next();

        var run = await HeraldTool.RunAsync("--redis", $"redis://127.0.0.1:{port}", "ping");

        run.ExitCode.Should().Be(3, run.ToString());
        ShouldBeOneErrorLine(run, "127.0.0.1:" + port);
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Ping_FakeServerSpeakingHttp_ExitsFive()
    {
        await using var fake = FakeRespServer.Start(_ => FakeReply.Raw("HTTP/1.1 400 Bad Request\r\n\r\n"));

        var run = await HeraldTool.RunAsync("--redis", fake.Url, "ping");

        run.ExitCode.Should().Be(5, run.ToString());
        ShouldBeOneErrorLine(run, "RESP");
    }

    [Theory]
    [InlineData("nope://127.0.0.1")]
    [InlineData("redis://127.0.0.1:99999")]
    [InlineData("redis://127.0.0.1/notadb")]
    [InlineData("redis://127.0.0.1?bogus=1")]
    public async Task Ping_MalformedUrl_ExitsTwoBeforeConnecting(string url)
    {
        var run = await HeraldTool.RunAsync("--redis", url, "ping");

        run.ExitCode.Should().Be(2, run.ToString());
        ShouldBeOneErrorLine(run, "invalid Redis URL");
    }

    [Fact]
    public async Task Ping_MalformedUrlWithPassword_DoesNotPrintThePassword()
    {
        var run = await HeraldTool.RunAsync("--redis", "redis://app:s3cret@127.0.0.1/notadb", "ping");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().NotContain("s3cret");
    }

    [Theory]
    [InlineData("pong")]
    [InlineData("ping", "--count", "0")]
    [InlineData("ping", "--count", "many")]
    [InlineData("bench")]
    [InlineData("bench", "resp", "--duration", "-1")]
    [InlineData("--no-such-option")]
    public async Task Herald_BadCommandLine_ExitsTwoWithHint(params string[] args)
    {
        var run = await HeraldTool.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        ShouldBeOneErrorLine(run, "--help");
    }

    [Fact]
    public async Task Herald_Help_ExitsZeroAndListsCommands()
    {
        var run = await HeraldTool.RunAsync("--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("ping").And.Contain("info").And.Contain("bench").And.Contain("--redis").And.Contain("--json");
    }

    internal static void ShouldBeOneErrorLine(HeraldRun run, string mentioning)
    {
        run.ErrorLines.Should().ContainSingle(run.ToString());
        run.ErrorLines[0].Should().StartWith("error: ").And.Contain(mentioning);
        run.Error.Should().NotContain("   at ", "no stack trace reaches the user");
    }
}

public sealed class AuthenticationErrorTests(PasswordRedisFixture redis) : IClassFixture<PasswordRedisFixture>
{
    [Fact]
    public async Task Ping_WrongPassword_ExitsFour()
    {
        var run = await HeraldTool.RunAsync("--redis", $"redis://:wrong-password@127.0.0.1:{redis.Server.Port}", "ping");

        run.ExitCode.Should().Be(4, run.ToString());
        ErrorContractTests.ShouldBeOneErrorLine(run, "credentials");
        run.Error.Should().NotContain("wrong-password");
    }

    [Fact]
    public async Task Ping_NoPasswordForProtectedServer_ExitsFour()
    {
        var run = await HeraldTool.RunAsync("--redis", redis.Url, "ping");

        run.ExitCode.Should().Be(4, run.ToString());
        ErrorContractTests.ShouldBeOneErrorLine(run, "error: ");
    }

    [Fact]
    public async Task Ping_RightPassword_ExitsZero()
    {
        var run = await HeraldTool.RunAsync("--redis", $"redis://:{redis.Password}@127.0.0.1:{redis.Server.Port}", "ping");

        run.ExitCode.Should().Be(0, run.ToString());
    }
}
