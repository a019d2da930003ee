namespace Herald.Cli.Commands.Ping;

/// <summary>What <c>herald ping</c> measured; the JSON shape of <c>herald ping --json</c>.</summary>
/// <param name="Url">The URL connected to, without password.</param>
/// <param name="Endpoint">The server's <c>host:port</c>.</param>
/// <param name="ServerVersion">The Redis version from the handshake.</param>
/// <param name="Protocol">The negotiated RESP version (2 or 3).</param>
/// <param name="ConnectMilliseconds">TCP connect plus handshake.</param>
/// <param name="RoundTripsMilliseconds">Each PING's round trip, in order.</param>
/// <param name="MinMilliseconds">The fastest round trip.</param>
/// <param name="AverageMilliseconds">The mean round trip.</param>
/// <param name="MaxMilliseconds">The slowest round trip.</param>
internal sealed record PingResult(
    string Url,
    string Endpoint,
    string ServerVersion,
    int Protocol,
    double ConnectMilliseconds,
    IReadOnlyList<double> RoundTripsMilliseconds,
    double MinMilliseconds,
    double AverageMilliseconds,
    double MaxMilliseconds);
