using System.Collections.Concurrent;
using System.Threading.Channels;
using Herald.Codecs;
using Herald.Diagnostics;
using Herald.Retry;
using Herald.Timeouts;
using Herald.Transports;
using Herald.Validation;
using Microsoft.Extensions.Logging;

namespace Herald.Consuming;

/// <summary>
/// A running consumer of one destination. Prefetch is bounded by credits: a message holds one from the
/// moment it is received until it is acknowledged, retried or dead-lettered, so memory stays flat
/// whatever the backlog. Workers run the middleware pipeline; acknowledgements are batched. Dispose (or
/// <see cref="StopAsync"/>) to stop: fetching stops, in-flight messages finish within the stop timeout,
/// and received-but-unstarted messages are handed back for prompt redelivery.
/// </summary>
public sealed class Consumer : IAsyncDisposable
{
    private readonly Func<CancellationToken, ValueTask<ITransportReceiver>> _createReceiver;
    private readonly HandlerRegistry _handlers;
    private readonly MessageCodec _codec;
    private readonly ConsumerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, ValueTask<bool>>? _isPausedRemotely;
    private readonly Func<Delivery, Exception?>? _authorize;
    private readonly SemaphoreSlim _credits;
    private readonly Channel<Delivery>[] _lanes;
    private readonly Channel<Delivery> _acks = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopFetching = new();
    private readonly CancellationTokenSource _abortHandlers = new();
    private readonly ConsumeDelegate _pipeline;
    private readonly ConsumeDelegate _batchPipeline;
    private readonly Lock _receiverLock = new();
    private readonly ConcurrentDictionary<Delivery, long> _held = new(ReferenceEqualityComparer.Instance);
    private ITransportReceiver _receiver = null!;

    // Received-at times are kept only for a receiver whose messages can be redelivered to others: only
    // then does a long-held message need its lease extended (an unreliable one, Pub/Sub, has no lease).
    private bool _trackHeld;
    private Task _fetchLoop = Task.CompletedTask;
    private Task[] _workers = [];
    private Task _ackLoop = Task.CompletedTask;
    private Task _maintenanceLoop = Task.CompletedTask;
    private volatile bool _stopping;
    private volatile bool _pausedLocally;
    private volatile bool _pausedRemotely;
    private long _pausedUntil;
    private long _lastProgress;
    private long _lastReceived;
    private int _inFlight;
    private int _stopped;
    private long _maintenanceCycles;
    private ITransportReceiver? _droppedReceiver;
    private long _droppedSeen;

    internal Consumer(
        Destination destination,
        ConsumerOptions options,
        HandlerRegistry handlers,
        IReadOnlyList<IConsumeMiddleware> middleware,
        IReadOnlyList<IConsumeMiddleware> batchMiddleware,
        MessageCodec codec,
        Func<CancellationToken, ValueTask<ITransportReceiver>> createReceiver,
        TimeProvider time,
        ILogger logger,
        Func<CancellationToken, ValueTask<bool>>? isPausedRemotely = null,
        Func<Delivery, Exception?>? authorize = null)
    {
        Destination = destination;
        _options = options;
        _handlers = handlers;
        _codec = codec;
        _createReceiver = createReceiver;
        _time = time;
        _logger = logger;
        _isPausedRemotely = isPausedRemotely;
        _authorize = authorize;
        Group = options.Group;
        Name = options.ResolveConsumerName();
        _credits = new SemaphoreSlim(options.Prefetch, options.Prefetch);
        var laneCount = options.OrderByKey ? options.Concurrency : 1;
        _lanes = new Channel<Delivery>[laneCount];
        for (var i = 0; i < laneCount; i++)
        {
            _lanes[i] = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = options.OrderByKey });
        }

        _pipeline = BuildPipeline(middleware);
        _batchPipeline = BuildPipeline(batchMiddleware);
        _lastProgress = time.GetTimestamp();
    }

    /// <summary>The destination consumed.</summary>
    public Destination Destination { get; }

    /// <summary>The consumer group.</summary>
    public string Group { get; }

    /// <summary>This consumer's name in the group.</summary>
    public string Name { get; }

    /// <summary>Running totals.</summary>
    public ConsumerStatistics Statistics { get; } = new();

    /// <summary>Messages received and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The current state.</summary>
    public ConsumerState State => Volatile.Read(ref _stopped) != 0 ? ConsumerState.Stopped
        : _stopping ? ConsumerState.Stopping
        : IsPaused ? ConsumerState.Paused
        : ConsumerState.Running;

    /// <summary>Completed maintenance passes (reclaim, retries, trimming): lets tests prove something did not happen.</summary>
    internal long MaintenanceCycles => Interlocked.Read(ref _maintenanceCycles);

    /// <summary>Called after this consumer dead-lettered a message (see <see cref="ConsumerBuilder.OnDeadLettered"/>).</summary>
    internal IReadOnlyList<Func<DeadLetteredMessage, CancellationToken, ValueTask>> DeadLetterObservers { get; set; } = [];

    /// <summary>Number of times the watchdog replaced a stalled receiver.</summary>
    public int Recoveries { get; private set; }

    /// <summary>Called once the consumer has stopped (the client forgets it then).</summary>
    internal Action<Consumer>? Stopped { get; set; }

    private bool IsPaused => _pausedLocally || _pausedRemotely || _time.GetTimestamp() < Volatile.Read(ref _pausedUntil);

    /// <summary>Stops fetching until <see cref="Resume"/>; in-flight messages finish.</summary>
    public void Pause() => _pausedLocally = true;

    /// <summary>Resumes fetching after <see cref="Pause"/>.</summary>
    public void Resume() => _pausedLocally = false;

    /// <summary>Whether the consumer makes progress (see <see cref="ConsumerHealth"/>).</summary>
    public ConsumerHealth CheckHealth()
    {
        var since = _time.GetElapsedTime(Volatile.Read(ref _lastProgress));
        var inFlight = InFlight;
        if (State == ConsumerState.Stopped)
        {
            return new(false, "The consumer is stopped.", since, inFlight);
        }

        if (IsPaused)
        {
            return new(true, "Paused.", since, inFlight);
        }

        var waiting = inFlight > 0 || _time.GetElapsedTime(Volatile.Read(ref _lastReceived)) < _options.LivenessThreshold;
        return waiting && since > _options.LivenessThreshold
            ? new(false, $"Work is waiting and nothing was finished for {since.TotalSeconds:F0} s ({inFlight} in flight).", since, inFlight)
            : new(true, inFlight > 0 ? $"Processing ({inFlight} in flight)." : "Idle.", since, inFlight);
    }

    /// <summary>Stops gracefully within <see cref="ConsumerOptions.StopTimeout"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping)
        {
            await WaitStoppedAsync().ConfigureAwait(false);
            return;
        }

        _stopping = true;
        await _stopFetching.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_fetchLoop).ConfigureAwait(false);
        await IgnoreCancellation(_maintenanceLoop).ConfigureAwait(false);

        // In-flight handlers get until the stop timeout; then their tokens are cancelled.
        var workers = Task.WhenAll(_workers);
        try
        {
            await workers.WaitAsync(_options.StopTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            await _abortHandlers.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(workers).ConfigureAwait(false);
        }

        // What was received but never started goes back for redelivery now, not after the visibility timeout.
        var unstarted = new List<Delivery>();
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
            while (lane.Reader.TryRead(out var delivery))
            {
                unstarted.Add(delivery);
            }
        }

        _acks.Writer.TryComplete();
        await IgnoreCancellation(_ackLoop).ConfigureAwait(false);
        if (unstarted.Count > 0)
        {
            try
            {
                await _receiver.ReleaseAsync(unstarted, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                ConsumerLog.ReleaseFailed(_logger, Destination, unstarted.Count, exception);
            }
        }

        await _receiver.DisposeAsync().ConfigureAwait(false);
        Volatile.Write(ref _stopped, 1);
        LiveConsumers.Remove(this);
        ConsumerLog.Stopped(_logger, Destination, Group, Name, Statistics.Processed);
        Stopped?.Invoke(this);
    }

    /// <summary>Stops gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopFetching.Dispose();
        _abortHandlers.Dispose();
        _credits.Dispose();
    }

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        _receiver = await _createReceiver(cancellationToken).ConfigureAwait(false);
        _trackHeld = _receiver.IsReliable;
        _ackLoop = Task.Run(AckLoopAsync, CancellationToken.None);
        _workers = new Task[_options.Concurrency];
        for (var i = 0; i < _workers.Length; i++)
        {
            var lane = _lanes[_options.OrderByKey ? i : 0];
            _workers[i] = Task.Run(() => WorkerLoopAsync(lane), CancellationToken.None);
        }

        _fetchLoop = Task.Run(FetchLoopAsync, CancellationToken.None);
        _maintenanceLoop = Task.Run(MaintenanceLoopAsync, CancellationToken.None);
        LiveConsumers.Add(this);
        ConsumerLog.Started(_logger, Destination, Group, Name, _options.Concurrency, _options.Prefetch);
    }

    internal void PauseFor(TimeSpan duration) =>
        Volatile.Write(ref _pausedUntil, _time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency));

    private async Task FetchLoopAsync()
    {
        var token = _stopFetching.Token;
        var buffer = new List<Delivery>(_options.EffectiveBatch);
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (IsPaused)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _time, token).ConfigureAwait(false);
                    continue;
                }

                var granted = await TakeCreditsAsync(token).ConfigureAwait(false);
                buffer.Clear();
                try
                {
                    await CurrentReceiver.ReceiveAsync(buffer, granted, token).ConfigureAwait(false);
                }
                finally
                {
                    // Credits not used by this read go back; the ones used travel with the messages.
                    if (granted > buffer.Count)
                    {
                        _credits.Release(granted - buffer.Count);
                    }
                }

                if (buffer.Count > granted)
                {
                    // A transport broke its contract; holding more than the prefetch would break ours.
                    throw new InvalidOperationException($"The receiver of {Destination} returned {buffer.Count} messages for {granted} credits.");
                }

                Dispatch(buffer);
                failures = 0;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Redis down, a lost connection: the client reconnects; back off so a long outage is not a hot loop.
                failures++;
                ConsumerLog.FetchFailed(_logger, Destination, Group, failures, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 50 * (1 << Math.Min(failures, 7)))), _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private ITransportReceiver CurrentReceiver
    {
        get
        {
            lock (_receiverLock)
            {
                return _receiver;
            }
        }
    }

    // Waits for one credit, then takes what else is free up to a batch.
    private async ValueTask<int> TakeCreditsAsync(CancellationToken token)
    {
        await _credits.WaitAsync(token).ConfigureAwait(false);
        var granted = 1;
        while (granted < _options.EffectiveBatch && _credits.Wait(0, CancellationToken.None))
        {
            granted++;
        }

        return granted;
    }

    private void Dispatch(List<Delivery> deliveries)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        Statistics.AddReceived(deliveries.Count);
        Interlocked.Add(ref _inFlight, deliveries.Count);
        Volatile.Write(ref _lastReceived, _time.GetTimestamp());
        var now = _time.GetTimestamp();
        foreach (var delivery in deliveries)
        {
            if (_trackHeld)
            {
                _held[delivery] = now;
            }

            var lane = _lanes.Length == 1 ? _lanes[0] : _lanes[LaneOf(delivery)];
            lane.Writer.TryWrite(delivery);
        }
    }

    // Messages with one partition key always land in one lane, handled by one worker, in order.
    private int LaneOf(Delivery delivery)
    {
        var key = delivery.Envelope.PartitionKey ?? delivery.Envelope.Id;
        return (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_lanes.Length);
    }

    private async Task WorkerLoopAsync(Channel<Delivery> lane)
    {
        var reader = lane.Reader;
        try
        {
            while (!_stopping && await reader.WaitToReadAsync(_stopFetching.Token).ConfigureAwait(false))
            {
                while (!_stopping && reader.TryRead(out var delivery))
                {
                    var next = Prepare(delivery);
                    while (next is not null)
                    {
                        next = await RunAsync(next, reader).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping)
        {
            // Stopping: what is left in the lane is handed back by StopAsync.
        }
    }

    // Runs one message, or a batch starting with it; returns a message read while collecting the batch
    // that does not belong to it, to be run next (so a lane's order is kept).
    private async Task<ConsumeContext?> RunAsync(ConsumeContext context, ChannelReader<Delivery> reader)
    {
        if (context.Binding?.Batch is { } limits && context.PrepareFailure is null)
        {
            return await RunBatchAsync(context, limits, reader).ConfigureAwait(false);
        }

        var failure = context.PrepareFailure;
        if (failure is not null)
        {
            MetricsMiddleware.Rejected(context, Destination, failure);
        }
        else
        {
            try
            {
                await _pipeline(context).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failure = exception;
            }
        }

        await FinishAsync(context, failure).ConfigureAwait(false);
        return null;
    }

    // Everything before the pipeline: authorisation, routing, decoding; for batch handlers validation too,
    // since a message that fails it must leave the batch rather than fail it. A failure is kept for the outcome.
    private ConsumeContext Prepare(Delivery delivery)
    {
        var context = new ConsumeContext(delivery, Group, Name, _abortHandlers.Token);
        try
        {
            // Authorisation first: an unauthorised message is reported as such whatever its type claims to be.
            if (_authorize?.Invoke(delivery) is { } denied)
            {
                throw denied;
            }

            var binding = _handlers.Resolve(delivery.Envelope.Type, Destination);
            context.MessageType = binding.MessageType;
            context.Handler = binding.Invoke;
            context.Message = _codec.Decode(delivery.Envelope, binding.MessageType);
            if (binding.Batch is not null && _options.ValidateMessages)
            {
                MessageValidator.ThrowIfInvalid(context.Message, delivery.Envelope.Type);
            }

            context.Binding = binding;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            context.PrepareFailure = exception;
        }

        return context;
    }

    private async Task<ConsumeContext?> RunBatchAsync(ConsumeContext first, BatchLimits limits, ChannelReader<Delivery> reader)
    {
        var items = new List<ConsumeContext> { first };
        ConsumeContext? leftover = null;
        var started = _time.GetTimestamp();
        while (items.Count < limits.MaxSize && !_stopping)
        {
            if (!reader.TryRead(out var delivery))
            {
                var remaining = limits.MaxWait - _time.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero || !await WaitToReadAsync(reader, remaining).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            var context = Prepare(delivery);
            if (context.PrepareFailure is { } failed)
            {
                // Dead-lettered (or retried) on its own; the batch goes on without it.
                MetricsMiddleware.Rejected(context, Destination, failed);
                await FinishAsync(context, failed).ConfigureAwait(false);
                continue;
            }

            if (!ReferenceEquals(context.Binding, first.Binding))
            {
                leftover = context;
                break;
            }

            items.Add(context);
        }

        var batch = new ConsumeContext(first.Delivery, Group, Name, _abortHandlers.Token) { Batch = items, Handler = first.Binding!.Invoke, MessageType = first.MessageType };
        Exception? failure = null;
        try
        {
            await _batchPipeline(batch).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failure = exception;
        }

        foreach (var item in items)
        {
            await FinishAsync(item, failure).ConfigureAwait(false);
        }

        return leftover;
    }

    // True when something can be read; false once the wait is over, the lane is closed or the consumer stops.
    private async ValueTask<bool> WaitToReadAsync(ChannelReader<Delivery> reader, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, _stopFetching.Token);
        try
        {
            return await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // The outcome of one message: ack, retry or dead letter; then its credit is free again.
    private async Task FinishAsync(ConsumeContext context, Exception? failure)
    {
        var delivery = context.Delivery;
        try
        {
            if (failure is null)
            {
                if (context.Skipped)
                {
                    Statistics.AddSkipped();
                }
                else
                {
                    Statistics.AddProcessed();
                }

                Volatile.Write(ref _lastProgress, _time.GetTimestamp());
                _acks.Writer.TryWrite(delivery);
                return;
            }

            if (failure is OperationCanceledException && _abortHandlers.IsCancellationRequested)
            {
                // Stopped past the stop timeout: the message is not at fault, so it is neither retried (which
                // would spend an attempt) nor dead-lettered; it goes back for prompt redelivery as it was.
                await CurrentReceiver.ReleaseAsync([delivery], CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await HandleFailureAsync(context, failure).ConfigureAwait(false);
            Volatile.Write(ref _lastProgress, _time.GetTimestamp());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The retry or dead-letter write failed (Redis down). The message is still pending in Redis
            // and will be reclaimed after the visibility timeout: nothing is lost.
            ConsumerLog.OutcomeFailed(_logger, Destination, delivery.Envelope.Id, exception);
        }
        finally
        {
            if (_trackHeld)
            {
                _held.TryRemove(delivery, out _);
            }

            Interlocked.Decrement(ref _inFlight);
            _credits.Release();
        }
    }

    private async Task HandleFailureAsync(ConsumeContext context, Exception failure)
    {
        var delivery = context.Delivery;
        var attempts = delivery.Attempt;
        if (failure is DeferMessageException deferred && _receiver.IsReliable)
        {
            // Not the message's fault: it waits and comes back with the same attempt number.
            ConsumerLog.Deferred(_logger, Destination, delivery.Envelope.Id, deferred.Delay, deferred.Message);
            await CurrentReceiver.RetryLaterAsync(delivery, deferred.Delay, countsAsAttempt: false, CancellationToken.None).ConfigureAwait(false);
            Statistics.AddDeferred();
            return;
        }

        if (failure is Polly.CircuitBreaker.BrokenCircuitException broken && _receiver.IsReliable)
        {
            // The open breaker refused the message before its handler ran: the dependency failed, not the message.
            // It waits out the break without spending an attempt, so an outage never dead-letters healthy work.
            var wait = broken.RetryAfter ?? _options.CircuitBreaker?.BreakDuration ?? _options.Retry.DelayFor(attempts);
            ConsumerLog.DeferredByOpenCircuit(_logger, Destination, delivery.Envelope.Id, wait);
            await CurrentReceiver.RetryLaterAsync(delivery, wait, countsAsAttempt: false, CancellationToken.None).ConfigureAwait(false);
            Statistics.AddDeferred();
            return;
        }

        Statistics.AddFailed();
        var reason = Classify(failure);
        if (reason is null && _receiver.IsReliable && attempts < (context.MaxDeliveries ?? _options.Retry.MaxDeliveries))
        {
            var delay = context.RetryDelay ?? _options.Retry.DelayFor(attempts);
            ConsumerLog.RetryScheduled(_logger, Destination, delivery.Envelope.Id, attempts, delay, failure.Message);
            await CurrentReceiver.RetryLaterAsync(delivery, delay, countsAsAttempt: true, CancellationToken.None).ConfigureAwait(false);
            Statistics.AddRetried();
            if (HeraldDiagnostics.Retried.Enabled)
            {
                HeraldDiagnostics.Retried.Add(1, HeraldDiagnostics.Tags(Destination, Group, delivery.Envelope.Type));
            }

            return;
        }

        var finalReason = reason ?? (failure is HandlerTimeoutException ? DeadLetterReason.TimedOut : DeadLetterReason.HandlerFailed);
        ConsumerLog.DeadLettered(_logger, Destination, delivery.Envelope.Id, finalReason, attempts, failure.Message);
        await CurrentReceiver.DeadLetterAsync(delivery, DeadLetterInfo.From(finalReason, failure, attempts), CancellationToken.None).ConfigureAwait(false);
        Statistics.AddDeadLettered();
        HeraldDiagnostics.CountDeadLettered(Destination, Group, delivery.Envelope.Type, finalReason);
        await NotifyDeadLetteredAsync(new DeadLetteredMessage(delivery.Envelope, Destination, Group, finalReason, failure, attempts)).ConfigureAwait(false);
    }

    // Observers learn of a dead letter once it is stored; their failures are logged, never held against the message.
    private async ValueTask NotifyDeadLetteredAsync(DeadLetteredMessage message)
    {
        foreach (var observer in DeadLetterObservers)
        {
            try
            {
                await observer(message, _abortHandlers.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                ConsumerLog.DeadLetterObserverFailed(_logger, Destination, message.Envelope.Id, exception);
            }
        }
    }

    // Failures no retry can fix go straight to the dead-letter store.
    private static DeadLetterReason? Classify(Exception failure) => failure switch
    {
        MessageDecodeException => DeadLetterReason.Undecodable,
        MessageValidationException => DeadLetterReason.Invalid,
        MessageTooLargeException => DeadLetterReason.TooLarge,
        DestinationAccessDeniedException => DeadLetterReason.Unauthorized,
        NoHandlerException => DeadLetterReason.NoHandler,
        RejectMessageException => DeadLetterReason.Rejected,
        _ => null,
    };

    private async Task AckLoopAsync()
    {
        var reader = _acks.Reader;
        var batch = new List<Delivery>(512);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < 512 && reader.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }

            try
            {
                await CurrentReceiver.AcknowledgeAsync(batch, CancellationToken.None).ConfigureAwait(false);
                if (HeraldDiagnostics.Acknowledged.Enabled)
                {
                    HeraldDiagnostics.AddByType(HeraldDiagnostics.Acknowledged, batch, static delivery => delivery.Envelope.Type, Destination, Group);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Unacknowledged messages stay pending and come back after the visibility timeout:
                // handled twice rather than lost (at least once).
                ConsumerLog.AckFailed(_logger, Destination, batch.Count, exception);
            }

            batch.Clear();
        }
    }

    private async Task MaintenanceLoopAsync()
    {
        var token = _stopFetching.Token;
        var period = TimeSpan.FromTicks(Math.Clamp(_options.VisibilityTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(1).Ticks));
        var reclaimed = new List<Delivery>();
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _time, token).ConfigureAwait(false);
                if (_isPausedRemotely is not null)
                {
                    _pausedRemotely = await _isPausedRemotely(token).ConfigureAwait(false);
                }

                await RecoverIfStalledAsync(token).ConfigureAwait(false);
                await ExtendHeldAsync(token).ConfigureAwait(false);
                var free = 0;
                while (free < _options.EffectiveBatch && _credits.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                reclaimed.Clear();
                try
                {
                    await CurrentReceiver.MaintainAsync(reclaimed, IsPaused ? 0 : free, token).ConfigureAwait(false);
                }
                finally
                {
                    if (free - reclaimed.Count > 0)
                    {
                        _credits.Release(free - reclaimed.Count);
                    }
                }

                Dispatch(reclaimed);
                Interlocked.Increment(ref _maintenanceCycles);
                CountDropped();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                ConsumerLog.MaintenanceFailed(_logger, Destination, exception);
            }
        }
    }

    // Messages held for half the visibility timeout would soon look stalled to the reclaim of any consumer.
    private async Task ExtendHeldAsync(CancellationToken token)
    {
        var half = _options.VisibilityTimeout / 2;
        var now = _time.GetTimestamp();
        var due = _held.Where(pair => _time.GetElapsedTime(pair.Value, now) >= half).Select(static pair => pair.Key).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await CurrentReceiver.ExtendAsync(due, token).ConfigureAwait(false);
        foreach (var delivery in due)
        {
            // Finished meanwhile: leave it gone.
            if (_held.TryGetValue(delivery, out var since))
            {
                _held.TryUpdate(delivery, now, since);
            }
        }
    }

    // A slow Pub/Sub consumer loses messages silently unless someone looks: count them and say so.
    private void CountDropped()
    {
        var receiver = CurrentReceiver;
        if (!ReferenceEquals(receiver, _droppedReceiver))
        {
            _droppedReceiver = receiver;
            _droppedSeen = 0;
        }

        var total = receiver.Dropped;
        var count = total - _droppedSeen;
        if (count <= 0)
        {
            return;
        }

        _droppedSeen = total;
        Statistics.AddDropped(count);
        if (HeraldDiagnostics.Dropped.Enabled)
        {
            HeraldDiagnostics.Dropped.Add(count, HeraldDiagnostics.Tags(Destination, Group));
        }

        ConsumerLog.Dropped(_logger, Destination, Group, Name, count, Statistics.Dropped);
    }

    // Liveness proves consumption: work waiting and nothing finished means a stuck receiver; replace it.
    private async Task RecoverIfStalledAsync(CancellationToken token)
    {
        var health = CheckHealth();
        if (health.IsHealthy || _stopping)
        {
            return;
        }

        ConsumerLog.Stalled(_logger, Destination, Group, Name, health.Description);
        var replacement = await _createReceiver(token).ConfigureAwait(false);
        ITransportReceiver old;
        lock (_receiverLock)
        {
            old = _receiver;
            _receiver = replacement;
        }

        Recoveries++;
        Volatile.Write(ref _lastProgress, _time.GetTimestamp());
        await old.DisposeAsync().ConfigureAwait(false);
    }

    private static ConsumeDelegate BuildPipeline(IReadOnlyList<IConsumeMiddleware> middleware)
    {
        ConsumeDelegate next = static context => context.Handler!(context, context.CancellationToken);
        for (var i = middleware.Count - 1; i >= 0; i--)
        {
            var step = middleware[i];
            var following = next;
            next = context => step.InvokeAsync(context, following);
        }

        return next;
    }

    private async Task WaitStoppedAsync()
    {
        while (Volatile.Read(ref _stopped) == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time).ConfigureAwait(false);
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected while stopping.
        }
    }
}
