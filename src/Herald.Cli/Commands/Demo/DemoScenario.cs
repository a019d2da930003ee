using System.Diagnostics;
using System.Globalization;
using Herald.Codecs;
using Herald.Consuming;
using Herald.Keys;
using Herald.Redis;
using Herald.Redis.Commands;
using Herald.Tasks;
using Herald.Tasks.Workers;

namespace Herald.Cli.Commands.Demo;

/// <summary>
/// The demo's moving parts on one Redis: a producer pacing orders into a stream (one consumer group, two
/// workers), e-mails into a reliable list queue (two workers), price ticks onto a Pub/Sub channel and
/// thumbnail tasks onto a task queue (one task worker, results kept in Redis); every <see cref="FailEvery"/>th
/// message of each makes its handler throw, so it is retried quickly and ends in the dead-letter stream. Everything lives under a private key prefix deleted by <see cref="CleanUpAsync"/>.
/// </summary>
internal sealed class DemoScenario : IAsyncDisposable
{
    public const int FailEvery = 500;
    private const int FailAt = 7;

    // Per 50 ms tick: 400 orders/s, 200 e-mails/s, 400 ticks/s, 100 tasks/s; light enough for a laptop, busy enough to watch.
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);
    private const int OrdersPerTick = 20;
    private const int EmailsPerTick = 10;
    private const int TicksPerTick = 20;
    private const int TasksPerTick = 5;
    private const string ThumbnailTask = "images.thumbnail";

    private readonly RedisClient _redis;
    private readonly HeraldClient _bus;
    private readonly KeySchema _keys;
    private readonly TaskClient _tasks;
    private readonly TimeProvider _time = TimeProvider.System;
    private TaskWorker? _taskWorker;
    private long _sampleTimestamp;
    private long[] _sampledPublished;
    private long[] _sampledHandled;

    private DemoScenario(RedisClient redis, HeraldClient bus, string prefix)
    {
        _redis = redis;
        _bus = bus;
        _keys = bus.Keys;
        Prefix = prefix;
        var channel = Destination.Channel($"{prefix}:prices");
        Orders = new DemoFlow("stream:orders", "stream", Destination.Stream("orders"), _keys.DeadLetters("orders"));
        Emails = new DemoFlow("queue:emails", "queue", Destination.Queue("emails"), _keys.DeadLetters("emails"));
        Prices = new DemoFlow($"channel:{channel.Name}", "channel", channel, _keys.ChannelDeadLetters(channel.Name));
        Thumbnails = new DemoFlow("task:" + ThumbnailTask, "task", Destination.Queue("thumbnails"), _keys.DeadLetters("thumbnails"));
        Flows = [Orders, Emails, Prices, Thumbnails];
        _tasks = bus.CreateTaskClient(options => options.Routes.Add("images.*", "thumbnails"));
        _sampledPublished = new long[Flows.Count];
        _sampledHandled = new long[Flows.Count];
    }

    public string Prefix { get; }

    public DemoFlow Orders { get; }

    public DemoFlow Emails { get; }

    public DemoFlow Prices { get; }

    public DemoFlow Thumbnails { get; }

    public IReadOnlyList<DemoFlow> Flows { get; }

    public static async Task<DemoScenario> StartAsync(RedisClient redis, CancellationToken cancellationToken)
    {
        var prefix = "herald-demo:" + Guid.NewGuid().ToString("N")[..8];
        var bus = await HeraldClient.CreateBuilder()
            .UseRedis(redis)
            .Configure(options =>
            {
                options.KeyPrefix = prefix;
                options.Source = "herald-demo";
                options.Codecs.DefaultSerializer = new JsonMessageSerializer(new System.Text.Json.JsonSerializerOptions(DemoJsonContext.Default.Options));
            })
            .BuildAsync(cancellationToken);
        var scenario = new DemoScenario(redis, bus, prefix);
        try
        {
            await scenario.StartWorkersAsync(cancellationToken);
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }

        return scenario;
    }

    /// <summary>Publishes at a steady pace until <paramref name="cancellationToken"/> fires (the end of the run or Ctrl+C).</summary>
    public async Task ProduceAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_tick, _time);
        long order = 0, email = 0, tick = 0, image = 0;
        try
        {
            do
            {
                var orders = Enumerable.Range(0, OrdersPerTick).Select(_ => ++order).Select(static n =>
                    new DemoOrder(n, "customer-" + (n % 97).ToString(CultureInfo.InvariantCulture), 10 + (n % 90))).ToList();
                var emails = Enumerable.Range(0, EmailsPerTick).Select(_ => ++email).Select(static n =>
                    new DemoEmail(n, $"user{n % 53}@example.com", "Your receipt")).ToList();
                var ticks = Enumerable.Range(0, TicksPerTick).Select(_ => ++tick).Select(static n =>
                    new DemoTick(n, "HRLD", 100 + Math.Sin(n / 50.0))).ToList();
                var images = Enumerable.Range(0, TasksPerTick).Select(_ => ++image).Select(static n =>
                    new DemoImage(n, $"photos/{n}.jpg", 128)).ToList();
                await Task.WhenAll(
                    PublishAsync(Orders, orders, cancellationToken),
                    PublishAsync(Emails, emails, cancellationToken),
                    PublishAsync(Prices, ticks, cancellationToken),
                    EnqueueAsync(images, cancellationToken));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The end of the run.
        }
    }

    /// <summary>Figures since the previous call: counters from the handlers, backlog and dead letters from Redis.</summary>
    public async Task<IReadOnlyList<DemoDestinationFigures>> SampleAsync(bool wholeRun, double elapsedSeconds, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = wholeRun ? elapsedSeconds : Stopwatch.GetElapsedTime(_sampleTimestamp, now).TotalSeconds;
        _sampleTimestamp = now;
        var figures = new List<DemoDestinationFigures>(Flows.Count);
        for (var i = 0; i < Flows.Count; i++)
        {
            var flow = Flows[i];
            var published = flow.Published;
            var handled = flow.Handled;
            double Rate(long current, long previous) => seconds > 0 ? Math.Round((current - (wholeRun ? 0 : previous)) / seconds, 1) : 0;
            var (p50, p99) = flow.Percentiles();
            figures.Add(new DemoDestinationFigures(
                flow.Name,
                flow.Kind,
                published,
                handled,
                Rate(published, _sampledPublished[i]),
                Rate(handled, _sampledHandled[i]),
                p50,
                p99,
                await BacklogAsync(flow, cancellationToken),
                flow.Failures,
                await _redis.StreamLengthAsync(flow.DeadLetterKey, cancellationToken)));
            _sampledPublished[i] = published;
            _sampledHandled[i] = handled;
        }

        return figures;
    }

    /// <summary>True when every message that will ever fail has reached the dead-letter store and nothing waits.</summary>
    public static bool IsSettled(IReadOnlyList<DemoDestinationFigures> figures) =>
        figures.All(static f => f.Backlog == 0 && f.DeadLetters >= ExpectedDeadLetters(f.Published) && f.Handled + f.DeadLetters >= f.Published);

    public static long ExpectedDeadLetters(long published) => published >= FailAt ? ((published - FailAt) / FailEvery) + 1 : 0;

    public async Task<IReadOnlyList<DemoDeadLetter>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        var letters = new List<DemoDeadLetter>();
        foreach (var flow in Flows)
        {
            foreach (var entry in await _redis.StreamRangeAsync(flow.DeadLetterKey, count: max, cancellationToken: cancellationToken))
            {
                letters.Add(new DemoDeadLetter(flow.Name, entry.GetString("id") ?? entry.Id, entry.GetString("dlq-reason"), entry.GetString("dlq-error"), entry.GetString("dlq-attempts")));
            }
        }

        return [.. letters.Take(max)];
    }

    /// <summary>Stops the workers and the bus, then deletes every key under the private prefix; returns how many were deleted.</summary>
    public async Task<long> CleanUpAsync(CancellationToken cancellationToken)
    {
        // Disposing the bus stops the workers, flushes its last throughput counts and leaves the worker
        // registry, so nothing it writes lands after the keys are deleted.
        await DisposeAsync();

        long deleted = 0;
        var keys = new List<string>();
        await foreach (var key in _redis.KeyScanAsync(new KeyScanOptions { Pattern = Prefix + ":*", PageSize = 500 }, cancellationToken))
        {
            keys.Add(key);
        }

        foreach (var chunk in keys.Chunk(200))
        {
            deleted += await _redis.KeyDeleteAsync(chunk, cancellationToken);
        }

        return deleted;
    }

    public async ValueTask DisposeAsync()
    {
        if (_taskWorker is not null)
        {
            await _taskWorker.DisposeAsync();
        }

        await _bus.DisposeAsync();
    }

    // The bus keeps its consumers and stops them when it is disposed.
    private async Task StartWorkersAsync(CancellationToken cancellationToken)
    {
        _sampleTimestamp = Stopwatch.GetTimestamp();
        for (var worker = 1; worker <= 2; worker++)
        {
            _ = await _bus.Consume(Orders.Destination, Options("billing", worker, startFromBeginning: true))
                .Handle<DemoOrder>((context, _) => Handle(Orders, context.Message.Number, context.PublishedAt, "card declined"))
                .StartAsync(cancellationToken);
            _ = await _bus.Consume(Emails.Destination, Options("mailer", worker, startFromBeginning: false))
                .Handle<DemoEmail>((context, _) => Handle(Emails, context.Message.Number, context.PublishedAt, "mailbox full"))
                .StartAsync(cancellationToken);
        }

        _ = await _bus.Consume(Prices.Destination, Options("charts", 1, startFromBeginning: false))
            .Handle<DemoTick>((context, _) => Handle(Prices, context.Message.Number, context.PublishedAt, "price out of range"))
            .StartAsync(cancellationToken);

        _taskWorker = await _bus.CreateTaskWorker(options =>
            {
                options.Queues.Clear();
                options.Queues.Add(Thumbnails.Destination.Name);
                options.Concurrency = 4;
                options.StopTimeout = TimeSpan.FromSeconds(2);
                options.ConfigureConsumer = static consumer => consumer.BlockTime = TimeSpan.FromMilliseconds(200);
            })
            .Register<DemoImage, DemoThumbnail>(ThumbnailTask, async (image, context, _) =>
            {
                await Handle(Thumbnails, image.Number, context.EnqueuedAt, "image is corrupt");
                return new DemoThumbnail(image.Path.Replace(".jpg", ".thumb.jpg", StringComparison.Ordinal), image.Size, image.Size * 3 / 4);
            }, static settings =>
            {
                settings.MaxRetries = 1;
                settings.RetryDelay = TimeSpan.FromMilliseconds(200);
                settings.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
            })
            .StartAsync(cancellationToken);
    }

    // Short retry delays so that a failing message ends in the dead-letter store within a few seconds.
    private static Action<ConsumerOptions> Options(string group, int worker, bool startFromBeginning) => options =>
    {
        options.Group = group;
        options.ConsumerName = $"{group}-worker-{worker}";
        options.Concurrency = 4;
        options.BlockTime = TimeSpan.FromMilliseconds(200);
        options.StopTimeout = TimeSpan.FromSeconds(2);
        if (startFromBeginning)
        {
            options.StartFrom = "0";
        }

        options.Retry.InProcessRetries = 1;
        options.Retry.InProcessDelay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDeliveries = 2;
        options.Retry.DelayedRetryDelay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelayedRetryDelay = TimeSpan.FromMilliseconds(400);
    };

    private ValueTask Handle(DemoFlow flow, long number, DateTimeOffset publishedAt, string failure)
    {
        if (number % FailEvery == FailAt)
        {
            flow.AddFailure();
            throw new DemoFailureException($"{flow.Kind} message {number.ToString(CultureInfo.InvariantCulture)}: {failure} (deliberate)");
        }

        flow.AddHandled(_time.GetUtcNow() - publishedAt);
        return ValueTask.CompletedTask;
    }

    private async Task PublishAsync<T>(DemoFlow flow, IReadOnlyList<T> messages, CancellationToken cancellationToken)
    {
        await _bus.PublishBatchAsync(flow.Destination, messages, cancellationToken: cancellationToken);
        flow.AddPublished(messages.Count);
    }

    private async Task EnqueueAsync(IReadOnlyList<DemoImage> images, CancellationToken cancellationToken)
    {
        await _tasks.EnqueueManyAsync(ThumbnailTask, images, cancellationToken: cancellationToken);
        Thumbnails.AddPublished(images.Count);
    }

    private async Task<long> BacklogAsync(DemoFlow flow, CancellationToken cancellationToken)
    {
        switch (flow.Destination.Kind)
        {
            case DestinationKind.Stream:
                var groups = await _redis.StreamGroupsAsync(_keys.Stream(flow.Destination.Name), cancellationToken);
                return groups.Sum(static g => (g.Lag ?? 0) + g.Pending);
            case DestinationKind.Queue:
                return await _redis.ListLengthAsync(_keys.Queue(flow.Destination.Name), cancellationToken);
            default:
                return 0;
        }
    }
}
