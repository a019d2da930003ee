using System.Collections.Concurrent;
using System.Reflection;

namespace Herald.Messages;

/// <summary>
/// Wire type names of .NET types: <see cref="HeraldMessageAttribute"/> when present, else the full type name,
/// with generic arguments by their own wire names (<c>System.ReadOnlyMemory&lt;System.Byte&gt;</c>).
/// </summary>
public static class MessageTypes
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_names.GetOrAdd(type, static t => t.GetCustomAttribute<HeraldMessageAttribute>()?.Type ?? ClrName(t));
    }

    // The full name of a generic type embeds its arguments' assembly-qualified names ("…, Version=10.0.0.0"):
    // a wire type must not change with a runtime or package version, so arguments are written by full name.
    private static string ClrName(Type type)
    {
        if (type.IsArray && type.GetElementType() is { IsGenericType: true } element)
        {
            return $"{ClrName(element)}[{new string(',', type.GetArrayRank() - 1)}]";
        }

        if (!type.IsGenericType || type.IsGenericTypeDefinition)
        {
            return type.FullName ?? type.Name;
        }

        var definition = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var tick = definition.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? definition : definition[..tick])}<{string.Join(",", type.GetGenericArguments().Select(NameOf))}>";
    }

    /// <summary>The wire name of <typeparamref name="T"/>.</summary>
    public static string NameOf<T>() => NameOf(typeof(T));
}
