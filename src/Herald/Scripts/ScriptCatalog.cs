using Herald.Redis.Scripting;

namespace Herald.Scripts;

/// <summary>
/// Herald's Lua scripts, one per atomic operation, loaded from embedded <c>Scripts/*.lua</c> resources
/// and called by SHA. Each file starts with a comment block listing KEYS, ARGV and the return value.
/// </summary>
internal static class ScriptCatalog
{
    public static LuaScript StreamRetryLater { get; } = Load("StreamRetryLater");

    public static LuaScript StreamPromoteRetries { get; } = Load("StreamPromoteRetries");

    public static LuaScript StreamDeadLetter { get; } = Load("StreamDeadLetter");

    public static LuaScript StreamTrimSafely { get; } = Load("StreamTrimSafely");

    public static LuaScript QueueTakeNext { get; } = Load("QueueTakeNext");

    public static LuaScript QueuePublishUnique { get; } = Load("QueuePublishUnique");

    public static LuaScript QueueRetryLater { get; } = Load("QueueRetryLater");

    public static LuaScript QueueDeadLetter { get; } = Load("QueueDeadLetter");

    public static LuaScript QueueRelease { get; } = Load("QueueRelease");

    public static LuaScript QueueAcknowledge { get; } = Load("QueueAcknowledge");

    public static LuaScript QueuePromoteDelayed { get; } = Load("QueuePromoteDelayed");

    public static LuaScript QueueReapConsumer { get; } = Load("QueueReapConsumer");

    public static LuaScript DeadLetterReplay { get; } = Load("DeadLetterReplay");

    public static LuaScript WorkerHeartbeat { get; } = Load("WorkerHeartbeat");

    public static LuaScript WorkerRemove { get; } = Load("WorkerRemove");

    public static LuaScript WorkerPrune { get; } = Load("WorkerPrune");

    public static LuaScript ThroughputAdd { get; } = Load("ThroughputAdd");

    public static LuaScript RateLimitAcquire { get; } = Load("RateLimitAcquire");

    public static LuaScript Load(string name) => LuaScript.FromResource(typeof(ScriptCatalog).Assembly, $"Herald.Scripts.{name}.lua", name);
}
