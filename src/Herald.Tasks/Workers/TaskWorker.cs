using Herald.Consuming;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.PubSub;
using Microsoft.Extensions.Logging;

namespace Herald.Tasks.Workers;

/// <summary>
/// A running task worker: one consumer per queue, and a listener on the task control channel for terminations.
/// Dispose (or <see cref="StopAsync"/>) to stop it: running tasks get <see cref="TaskWorkerOptions.StopTimeout"/>
/// to finish, then are cancelled and handed back to their queue unacknowledged.
/// </summary>
public sealed class TaskWorker : IAsyncDisposable
{
    private readonly RedisClient _redis;
    private readonly KeySchema _keys;
    private readonly TaskRunner _runner;
    private readonly ILogger _logger;
    private readonly List<Consumer> _consumers = [];
    private readonly CancellationTokenSource _stopping = new();
    private Subscription? _control;
    private Task _listening = Task.CompletedTask;
    private int _stopped;

    internal TaskWorker(RedisClient redis, KeySchema keys, TaskRunner runner, TaskWorkerStatistics statistics, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _runner = runner;
        _logger = logger;
        Statistics = statistics;
    }

    /// <summary>What the worker did since it started.</summary>
    public TaskWorkerStatistics Statistics { get; }

    /// <summary>The consumers underneath, one per queue.</summary>
    public IReadOnlyList<Consumer> Consumers => _consumers;

    /// <summary>Stops taking tasks, lets running ones finish within the stop timeout, then hands back what is left.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_consumers.Select(consumer => consumer.StopAsync(cancellationToken))).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _listening.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The listener ends by cancellation.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    internal void Add(Consumer consumer) => _consumers.Add(consumer);

    internal async ValueTask ListenForControlAsync(CancellationToken cancellationToken)
    {
        _control = await _redis.Subscriber.SubscribeAsync(_keys.TaskControl(), cancellationToken).ConfigureAwait(false);
        _listening = ListenAsync(_control, _stopping.Token);
    }

    private async Task ListenAsync(Subscription control, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in control.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TaskControl.TryReadTerminate(message.PayloadAsString(), out var taskId))
                {
                    _runner.Terminate(taskId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            TaskLog.ControlFailed(_logger, exception);
        }
    }
}
