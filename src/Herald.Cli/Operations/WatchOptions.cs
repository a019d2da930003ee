using System.CommandLine;

namespace Herald.Cli.Operations;

/// <summary>
/// <c>--watch</c>, <c>--interval</c> and <c>--duration</c>, the options of every command that can refresh until stopped
/// (<c>lag</c>, <c>stats</c>), declared and read in one place so that they mean the same everywhere.
/// </summary>
internal sealed class WatchOptions
{
    private static readonly TimeSpan s_shortestInterval = TimeSpan.FromMilliseconds(100);

    private readonly Option<bool> _watch = new("--watch", "-w") { Description = "Refresh until Ctrl+C: in place on a terminal, else one JSON line per refresh." };
    private readonly Option<string> _interval;
    private readonly Option<string?> _duration = new("--duration", "-d") { Description = "Stop watching after this long (30s, 10m); default: until Ctrl+C.", HelpName = "duration" };

    /// <summary>The options, refreshing every <paramref name="defaultInterval"/> unless told otherwise.</summary>
    /// <param name="defaultInterval">The refresh interval when none is given, as a user would write it (<c>1s</c>).</param>
    public WatchOptions(string defaultInterval)
    {
        _interval = new Option<string>("--interval", "-n") { Description = "Time between refreshes (500ms, 1s, 5s).", DefaultValueFactory = _ => defaultInterval, HelpName = "duration" };
    }

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(_watch);
        command.Options.Add(_interval);
        command.Options.Add(_duration);
        return command;
    }

    /// <summary>What the user asked for; checked before anything connects.</summary>
    /// <exception cref="CliUsageException">An interval or duration that is not one, or an interval under 100 ms.</exception>
    public WatchSettings Read(ParseResult parseResult)
    {
        var interval = TimeArguments.ParseDuration(parseResult.GetRequiredValue(_interval), "--interval");
        if (interval < s_shortestInterval)
        {
            throw new CliUsageException("--interval must be at least 100ms.");
        }

        var duration = parseResult.GetValue(_duration) is { } text ? TimeArguments.ParseDuration(text, "--duration") : (TimeSpan?)null;
        return new WatchSettings(parseResult.GetValue(_watch), interval, duration);
    }
}

/// <summary>How a command refreshes: <paramref name="Watch"/> or once, every <paramref name="Interval"/>, for at most <paramref name="Duration"/>.</summary>
internal sealed record WatchSettings(bool Watch, TimeSpan Interval, TimeSpan? Duration);
