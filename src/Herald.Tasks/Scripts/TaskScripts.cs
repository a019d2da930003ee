using Herald.Redis.Scripting;

namespace Herald.Tasks.Scripts;

/// <summary>The task queue's Lua scripts, one per atomic operation, embedded as <c>Scripts/*.lua</c> and called by SHA.</summary>
internal static class TaskScripts
{
    public static LuaScript TaskStart { get; } = Load("TaskStart");

    public static LuaScript TaskFinish { get; } = Load("TaskFinish");

    public static LuaScript TaskRevoke { get; } = Load("TaskRevoke");

    public static LuaScript ScheduleRecord { get; } = Load("ScheduleRecord");

    private static LuaScript Load(string name) => LuaScript.FromResource(typeof(TaskScripts).Assembly, $"Herald.Tasks.Scripts.{name}.lua", name);
}
