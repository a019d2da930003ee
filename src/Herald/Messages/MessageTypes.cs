using System.Collections.Concurrent;
using System.Reflection;

namespace Herald.Messages;

/// <summary>Wire type names of .NET types: <see cref="HeraldMessageAttribute"/> when present, else the full type name.</summary>
public static class MessageTypes
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_names.GetOrAdd(type, static t => t.GetCustomAttribute<HeraldMessageAttribute>()?.Type ?? t.FullName ?? t.Name);
    }

    /// <summary>The wire name of <typeparamref name="T"/>.</summary>
    public static string NameOf<T>() => NameOf(typeof(T));
}
