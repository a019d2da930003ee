namespace Herald.Redis;

/// <summary>The class of a Redis error reply, parsed from its leading error code.</summary>
public enum RedisErrorKind
{
    /// <summary>An error code Herald does not classify.</summary>
    Other,

    /// <summary><c>ERR</c>: a generic error (syntax, argument).</summary>
    Generic,

    /// <summary><c>ERR unknown command</c>: the server does not know the command.</summary>
    UnknownCommand,

    /// <summary><c>WRONGTYPE</c>: the key holds another type.</summary>
    WrongType,

    /// <summary><c>MOVED</c>: the slot lives on another cluster node.</summary>
    Moved,

    /// <summary><c>ASK</c>: the slot is migrating; ask the other node once.</summary>
    Ask,

    /// <summary><c>TRYAGAIN</c>: a multi-key command during resharding.</summary>
    TryAgain,

    /// <summary><c>CLUSTERDOWN</c>: the cluster cannot serve the request.</summary>
    ClusterDown,

    /// <summary><c>CROSSSLOT</c>: the keys of one command hash to different slots.</summary>
    CrossSlot,

    /// <summary><c>LOADING</c>: the server is loading its dataset.</summary>
    Loading,

    /// <summary><c>BUSY</c>: a script is running too long.</summary>
    Busy,

    /// <summary><c>NOSCRIPT</c>: the script cache lacks the SHA.</summary>
    NoScript,

    /// <summary><c>READONLY</c>: a write was sent to a replica.</summary>
    ReadOnly,

    /// <summary><c>MASTERDOWN</c>: the replica lost its primary.</summary>
    MasterDown,

    /// <summary><c>NOAUTH</c>: authentication is required.</summary>
    NoAuth,

    /// <summary><c>WRONGPASS</c>: the user name or password is wrong.</summary>
    WrongPass,

    /// <summary><c>NOPERM</c>: the ACL user may not run this command or touch this key.</summary>
    NoPerm,

    /// <summary><c>NOPROTO</c>: the requested protocol version is not supported.</summary>
    NoProto,

    /// <summary><c>NOGROUP</c>: the stream or consumer group does not exist.</summary>
    NoGroup,

    /// <summary><c>BUSYGROUP</c>: the consumer group already exists.</summary>
    BusyGroup,

    /// <summary><c>EXECABORT</c>: a transaction was discarded because a queued command was rejected.</summary>
    ExecAbort,

    /// <summary><c>OOM</c>: the server is over <c>maxmemory</c>.</summary>
    OutOfMemory,

    /// <summary><c>NOREPLICAS</c>: not enough replicas for <c>min-replicas-to-write</c>.</summary>
    NoReplicas,
}
