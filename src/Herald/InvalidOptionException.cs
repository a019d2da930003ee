namespace Herald;

/// <summary>
/// A setting is invalid. <see cref="Setting"/> names it by its path in the options, in configuration
/// syntax (<c>Streams:orders:Partitions</c>), so the message points at the line to fix whether the
/// options were set in code or bound from <c>appsettings.json</c>.
/// </summary>
public sealed class InvalidOptionException : ArgumentException
{
    /// <summary>Creates the exception; the message is <c>"{setting} {problem}"</c>.</summary>
    /// <param name="setting">The setting's path, e.g. <c>Codecs:MaxMessageSize</c>.</param>
    /// <param name="problem">What is wrong, continuing the sentence: <c>must be between 1 and 1024 (it is 0).</c></param>
    /// <param name="innerException">The original error, if any.</param>
    public InvalidOptionException(string setting, string problem, Exception? innerException = null)
        : base($"{setting} {problem}", innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        Setting = setting;
        Problem = problem;
    }

    /// <summary>The setting's path, e.g. <c>Streams:orders:Partitions</c>.</summary>
    public string Setting { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <inheritdoc />
    /// <remarks>The setting's path, so code that reads <c>ParamName</c> finds it too.</remarks>
    public override string ParamName => Setting;

    /// <summary>The same error with <paramref name="scope"/> in front of the path (<c>Herald</c> → <c>Herald:Streams:orders:Partitions</c>).</summary>
    public InvalidOptionException WithScope(string scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        return new InvalidOptionException($"{scope}:{Setting}", Problem, this);
    }

    /// <summary>
    /// Runs <paramref name="validate"/> (a nested options object's <c>Validate</c>) and reports any
    /// <see cref="ArgumentException"/> it throws as an error of a setting under <paramref name="scope"/>.
    /// </summary>
    internal static void Scoped(string scope, Action validate)
    {
        try
        {
            validate();
        }
        catch (InvalidOptionException exception)
        {
            throw exception.WithScope(scope);
        }
        catch (ArgumentException exception)
        {
            throw From(scope, exception);
        }
    }

    /// <summary>Converts a plain <see cref="ArgumentException"/> of a setting named by its <c>ParamName</c>.</summary>
    internal static InvalidOptionException From(string scope, ArgumentException exception)
    {
        var name = exception.ParamName;
        var text = Reason(exception);
        if (string.IsNullOrEmpty(name))
        {
            return new InvalidOptionException(scope, $"is invalid: {text}", exception);
        }

        var problem = text.StartsWith(name + " ", StringComparison.Ordinal) ? text[(name.Length + 1)..] : $"is invalid: {text}";
        return new InvalidOptionException($"{scope}:{name}", problem, exception);
    }

    /// <summary>The message of <paramref name="exception"/> without the <c>(Parameter 'x')</c> and actual-value lines .NET appends.</summary>
    internal static string Reason(ArgumentException exception)
    {
        var text = exception.Message;
        var suffix = exception.ParamName is { Length: > 0 } name ? text.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal) : -1;
        return suffix >= 0 ? text[..suffix] : text;
    }
}
