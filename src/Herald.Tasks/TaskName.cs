namespace Herald.Tasks;

/// <summary>
/// A task's name with the types of its arguments and result, so producers and workers that share it cannot
/// disagree about them: <c>static readonly TaskName&lt;Resize, Thumbnail&gt; MakeThumbnail = new("images.thumbnail");</c>.
/// </summary>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
/// <typeparam name="TResult">The result's type.</typeparam>
public sealed class TaskName<TArgs, TResult>
{
    /// <summary>Names a task.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains whitespace.</exception>
    public TaskName(string name)
    {
        TaskNames.Validate(name);
        Name = name;
    }

    /// <summary>The name on the wire (the envelope's <c>type</c>).</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>Rules for task names.</summary>
public static class TaskNames
{
    /// <summary>Checks that <paramref name="name"/> can name a task: not empty, no whitespace or control characters.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    public static void Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException($"'{name}' cannot name a task: whitespace and control characters are not allowed.", nameof(name));
            }
        }
    }
}
