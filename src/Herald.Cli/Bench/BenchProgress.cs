using Spectre.Console;

namespace Herald.Cli.Bench;

/// <summary>Shows which phase runs. Refreshes only when told, so that a measured window can stay silent.</summary>
internal interface IBenchProgress
{
    /// <summary>Starts a phase; a timed one reports a fraction, an untimed one (an external run) spins.</summary>
    IBenchPhase Start(string description, bool timed);
}

/// <summary>A running phase; disposing it marks it done.</summary>
internal interface IBenchPhase : IDisposable
{
    void Report(double fraction);
}

/// <summary>No display: for <c>--json</c> and for output that is not a terminal.</summary>
internal sealed class SilentBenchProgress : IBenchProgress, IBenchPhase
{
    public static SilentBenchProgress Instance { get; } = new();

    public IBenchPhase Start(string description, bool timed) => this;

    public void Report(double fraction)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>Spectre progress bars, one per phase, redrawn on each report (auto-refresh is off).</summary>
internal sealed class SpectreBenchProgress(ProgressContext context) : IBenchProgress
{
    public IBenchPhase Start(string description, bool timed)
    {
        var task = context.AddTask(Markup.Escape(description), autoStart: true, maxValue: 1);
        task.IsIndeterminate = !timed;
        context.Refresh();
        return new Phase(context, task);
    }

    private sealed class Phase(ProgressContext context, ProgressTask task) : IBenchPhase
    {
        public void Report(double fraction)
        {
            task.Value = fraction;
            context.Refresh();
        }

        public void Dispose()
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
            context.Refresh();
        }
    }
}
