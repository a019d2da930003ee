using Herald.Redis;

namespace Herald.Cli.Tests;

public sealed class CliErrorsTests
{
    public static TheoryData<Exception, int> Failures => new()
    {
        { new CliUsageException("bad"), ExitCodes.Usage },
        { new RedisConnectionException(RedisConnectionFailure.ConnectFailed, false, "refused"), ExitCodes.Connection },
        { new RedisTimeoutException(true, "slow"), ExitCodes.Connection },
        { new RedisAuthenticationException("WRONGPASS invalid username-password pair"), ExitCodes.Authentication },
        { new RedisServerException("NOPERM this user has no permissions"), ExitCodes.Authentication },
        { new RedisConnectionException(RedisConnectionFailure.ProtocolError, false, "not RESP"), ExitCodes.Protocol },
        { new RedisProtocolException("garbage"), ExitCodes.Protocol },
        { new RedisServerException("ERR unknown command"), ExitCodes.ServerError },
        { new OperationCanceledException(), ExitCodes.Cancelled },
        { new Inspection.DestinationNotFoundException(Destination.Stream("orders"), "shop"), ExitCodes.NotFound },
        { new CliNotFoundException("no such group"), ExitCodes.NotFound },
        { new InvalidOperationException("bug"), ExitCodes.Failure },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Classify_EachFailureClass_HasItsOwnExitCode(Exception exception, int expected) =>
        CliErrors.Classify(exception).ExitCode.Should().Be(expected);

    [Fact]
    public void Report_MultiLineMessage_WritesExactlyOneLine()
    {
        using var error = new StringWriter();

        CliErrors.Report(new RedisServerException("ERR first\r\nsecond line"), error);

        error.ToString().TrimEnd('\n').Should().NotContain("\n").And.StartWith("error: ").And.Contain("first second line");
    }
}
