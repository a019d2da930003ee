using Herald.Redis;

namespace Herald.Tasks.State;

/// <summary>Tells a Redis that is out of reach for a while from an error that trying again cannot fix.</summary>
internal static class RedisFaults
{
    /// <summary>
    /// True when the command failed because Redis could not be reached or could not serve it just now: the
    /// connection broke or timed out, or the server is loading its data, busy with a script, or a replica after
    /// a failover. Such a failure says nothing about the task.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception is RedisConnectionException
        or RedisServerException
        {
            Kind: RedisErrorKind.Loading or RedisErrorKind.Busy or RedisErrorKind.ReadOnly or RedisErrorKind.MasterDown
                or RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown,
        };
}
