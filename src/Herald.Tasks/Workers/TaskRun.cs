namespace Herald.Tasks.Workers;

/// <summary>
/// One run of a task: the token handed to it, cancelled at its deadline, on termination or when the worker
/// stops; and which of those happened, so the outcome can be told apart from the task's own cancellations.
/// </summary>
internal sealed class TaskRun : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CancellationTokenRegistration _stopping;
    private readonly ITimer? _deadline;
    private int _revoked;
    private int _timedOut;

    public TaskRun(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        _stopping = stopping.UnsafeRegister(static state => ((TaskRun)state!).Cancel(), this);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _deadline = time.CreateTimer(static state => ((TaskRun)state!).Expire(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    public CancellationToken Token => _cancellation.Token;

    public bool Revoked => Volatile.Read(ref _revoked) != 0;

    public bool TimedOut => Volatile.Read(ref _timedOut) != 0;

    public void Revoke()
    {
        Volatile.Write(ref _revoked, 1);
        Cancel();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _deadline?.Dispose();
        _cancellation.Dispose();
    }

    private void Expire()
    {
        Volatile.Write(ref _timedOut, 1);
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run is over and disposed; nothing is left to cancel.
        }
    }
}
