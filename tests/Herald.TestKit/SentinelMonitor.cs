namespace Herald.TestKit;

/// <summary>What a sentinel process watches; turns a <see cref="RedisServer"/> into a sentinel.</summary>
internal sealed record SentinelMonitor(
    string ServiceName,
    string PrimaryHost,
    int PrimaryPort,
    int Quorum,
    int DownAfterMilliseconds,
    int FailoverTimeoutMilliseconds);
