namespace Herald.Tests.Inspection;

/// <summary>A clock whose time a test sets; for code that only reads the time (no timers), so minute boundaries are exact.</summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
