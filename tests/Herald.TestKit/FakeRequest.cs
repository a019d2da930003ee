namespace Herald.TestKit;

/// <summary>A command received by <see cref="FakeRespServer"/>; <c>Arguments[0]</c> is the upper-cased command name.</summary>
/// <param name="Arguments">The command and its arguments, UTF-8 decoded.</param>
/// <param name="ConnectionId">Which connection sent it, numbered from 1 in accept order.</param>
public sealed record FakeRequest(string[] Arguments, int ConnectionId)
{
    /// <summary>The upper-cased command name.</summary>
    public string Command => Arguments.Length > 0 ? Arguments[0] : string.Empty;
}
