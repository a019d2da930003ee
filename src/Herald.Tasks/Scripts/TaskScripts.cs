using System.Reflection;
using Herald.Redis.Scripting;

namespace Herald.Tasks.Scripts;

/// <summary>The task queue's Lua scripts, one per atomic operation, embedded as <c>Scripts/*.lua</c> and called by SHA.</summary>
internal static class TaskScripts
{
    public static LuaScript TaskStart { get; } = Load("TaskStart");

    public static LuaScript TaskFinish { get; } = Load("TaskFinish");

    public static LuaScript TaskRevoke { get; } = Load("TaskRevoke");

    public static LuaScript ScheduleRecord { get; } = Load("ScheduleRecord");

    private static LuaScript Load(string name)
    {
        var resource = $"Herald.Tasks.Scripts.{name}.lua";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The script resource {resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return new LuaScript(reader.ReadToEnd(), name);
    }
}
