using System.Collections.Concurrent;
using Herald.Codecs;
using Herald.Inspection;
using Herald.Redis.Commands;
using Herald.Tests.Lists;
using Herald.Tests.Streams;
using Herald.TestKit;

namespace Herald.Tests.Inspection;

public sealed class DeadLetterInspectionTests(BusFixture fixture) : IClassFixture<BusFixture>
{
    private static readonly Destination s_orders = Destination.Stream("orders");
    private static readonly byte[] s_key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public async Task ListDeadLetters_FilterByReasonTypeAndTime_PagesThroughTheMatchesOldestFirst()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        await using var consumer = await bus.Consume(s_orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("cannot bill"))
            .StartAsync();
        var inspector = bus.CreateInspector();
        foreach (var i in Enumerable.Range(0, 5))
        {
            await bus.PublishAsync(s_orders, new OrderPlaced($"bad-{i}", i));
        }

        await bus.PublishBatchAsync(s_orders, [new OrderCancelled("c-1"), new OrderCancelled("c-2")]);
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 7);

        var pages = new List<DeadLetterPage>();
        DeadLetterId? after = null;
        do
        {
            pages.Add(await inspector.ListDeadLettersAsync(s_orders, new DeadLetterFilter { Reason = "handlerfailed" }, limit: 2, after: after));
            after = pages[^1].Next;
        }
        while (after is not null);

        pages.Select(p => p.Items.Count).Should().Equal(2, 2, 1);
        var failed = pages.SelectMany(p => p.Items).ToList();
        failed.Select(l => StreamId.Parse(l.Id.EntryId)).Should().BeInAscendingOrder();
        failed.Select(l => l.OriginId).Should().OnlyHaveUniqueItems();
        failed.Should().OnlyContain(l => l.Reason == "HandlerFailed" && l.Error == "cannot bill" && l.Group == "default" && l.Attempts == 1
            && l.ErrorType == typeof(InvalidOperationException).FullName && l.Origin == s_orders && l.Envelope.Type == "test.order.placed" && l.Id.Partition == null);
        var cancelled = await inspector.ListDeadLettersAsync(s_orders, new DeadLetterFilter { MessageType = "test.order.cancelled" });
        cancelled.Items.Should().HaveCount(2).And.OnlyContain(l => l.Reason == "NoHandler");
        cancelled.Next.Should().BeNull();
        var now = TimeProvider.System.GetUtcNow();
        (await inspector.ListDeadLettersAsync(s_orders, new DeadLetterFilter { From = now.AddMinutes(-5), To = now.AddMinutes(5) })).Items.Should().HaveCount(7);
        (await inspector.ListDeadLettersAsync(s_orders, new DeadLetterFilter { From = now.AddMinutes(5) })).Items.Should().BeEmpty();
        (await inspector.ListDeadLettersAsync(s_orders, new DeadLetterFilter { To = now.AddMinutes(-5) })).Items.Should().BeEmpty();
    }

    [Fact]
    public async Task GetDeadLetter_CompressedAndEncryptedBody_DecodedWithTheKeyAndExplainedWithout()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o =>
        {
            o.Codecs.Compression = new GzipCompressor();
            o.Codecs.CompressionThreshold = 0;
            o.Codecs.Encryption = new EncryptionKeyRing().Add("k1", s_key);
        });
        await using var consumer = await bus.Consume(s_orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("cannot bill"))
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishAsync(s_orders, new OrderPlaced("secret", 42), new PublishOptions { Headers = new Dictionary<string, string> { ["tenant"] = "acme" } });
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 1);
        var id = (await inspector.ListDeadLettersAsync(s_orders)).Items.Single().Id;

        var shown = await inspector.GetDeadLetterAsync(s_orders, id);
        var withoutKey = await new HeraldInspector(bus.Redis!, bus.Keys).GetDeadLetterAsync(s_orders, id);

        shown.Should().NotBeNull();
        shown!.BodyText.Should().Be("""{"orderId":"secret","amount":42}""");
        shown.BodyError.Should().BeNull();
        shown.Letter.Envelope.ContentEncoding.Should().Be("gzip,aes256gcm");
        shown.Letter.Envelope.Headers.Should().Contain("tenant", "acme");
        shown.Letter.Fields.Keys.Should().Contain(["dlq-reason", "dlq-error", "dlq-error-type", "dlq-stack", "dlq-attempts", "dlq-origin", "dlq-origin-id", "dlq-group", "dlq-time"]);
        shown.Letter.Fields["dlq-stack"].Should().Contain(nameof(GetDeadLetter_CompressedAndEncryptedBody_DecodedWithTheKeyAndExplainedWithout));
        withoutKey!.Body.Should().BeNull();
        withoutKey.BodyText.Should().BeNull();
        withoutKey.BodyError.Should().Contain("encrypted");
        (await inspector.GetDeadLetterAsync(s_orders, new DeadLetterId("1-0"))).Should().BeNull();
    }

    [Fact]
    public async Task ReplayDeadLetter_StreamMessage_ItsGroupHandlesItAgainFromAttemptOneAndOtherGroupsDoNot()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var failing = 1;
        var billed = new ConcurrentQueue<int>();
        var shipped = 0;
        await using var billing = await bus.Consume(s_orders, o => { InspectionKit.FailOnce(o); o.Group = "billing"; })
            .Handle<OrderPlaced>((c, _) =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("billing is down");
                }

                billed.Enqueue(c.Attempt);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        await using var shipping = await bus.Consume(s_orders, o => { BusFixture.Fast(o); o.Group = "shipping"; })
            .Handle<OrderPlaced>((_, _) => { Interlocked.Increment(ref shipped); return ValueTask.CompletedTask; })
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishAsync(s_orders, new OrderPlaced("flaky", 1));
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 1);
        var letter = (await inspector.ListDeadLettersAsync(s_orders)).Items.Single();
        Volatile.Write(ref failing, 0);

        (await inspector.ReplayDeadLetterAsync(s_orders, letter.Id)).Should().Be(ReplayOutcome.Replayed);

        await Wait.UntilAsync(() => !billed.IsEmpty, because: "the replayed message reaches its group again");
        billed.Should().Equal(1);
        await InspectionKit.CyclesAsync(shipping, 3);
        Volatile.Read(ref shipped).Should().Be(1, "the group that handled it does not see the replay");
        (await inspector.CountDeadLettersAsync(s_orders)).Should().Be(0);
        (await inspector.ReplayDeadLetterAsync(s_orders, letter.Id)).Should().Be(ReplayOutcome.NotFound);
        (await inspector.GetStreamAsync("orders")).Length.Should().Be(1, "the replay went to the group's retried stream, not the stream");
    }

    [Fact]
    public async Task ReplayDeadLetters_FilterOnPartitionedStream_ReplaysMatchesFromEveryPartitionOnly()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix(), o => o.Streams["orders"] = new() { Partitions = 3 });
        var failing = 1;
        var handled = new ConcurrentQueue<(string Order, int Attempt)>();
        await using var consumer = await bus.Consume(s_orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((c, _) =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("down");
                }

                handled.Enqueue((c.Message.OrderId, c.Attempt));
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishBatchAsync(s_orders, [.. Enumerable.Range(0, 6).Select(i => new OutgoingMessage<OrderPlaced>(new OrderPlaced($"bad-{i}", i), new PublishOptions { Key = $"k{i}" }))]);
        await bus.PublishBatchAsync(s_orders, [new OrderCancelled("c-1"), new OrderCancelled("c-2")]);
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 8);
        var before = (await inspector.ListDeadLettersAsync(s_orders)).Items;
        before.Select(l => l.Id.Partition).Should().OnlyContain(p => p >= 0 && p < 3);
        before.Select(l => l.Id.Partition).Distinct().Should().HaveCountGreaterThan(1, "the keys spread over partitions");
        (await inspector.GetStreamAsync("orders")).DeadLetters.Should().Be(8);
        Volatile.Write(ref failing, 0);
        var progress = new ConcurrentQueue<long>();

        var summary = await inspector.ReplayDeadLettersAsync(s_orders, new DeadLetterFilter { Reason = "HandlerFailed" }, new SynchronousProgress(progress.Enqueue));

        summary.Should().Be(new DeadLetterReplaySummary(6, 0));
        progress.Should().Equal(1, 2, 3, 4, 5, 6);
        await Wait.UntilAsync(() => handled.Count == 6, because: "every replayed message is handled again");
        handled.Select(h => h.Order).Should().BeEquivalentTo(Enumerable.Range(0, 6).Select(i => $"bad-{i}"));
        handled.Should().OnlyContain(h => h.Attempt == 1);
        var left = (await inspector.ListDeadLettersAsync(s_orders)).Items;
        left.Should().HaveCount(2).And.OnlyContain(l => l.Reason == "NoHandler");
        var parsed = DeadLetterId.Parse(left[0].Id.ToString());
        parsed.Should().Be(left[0].Id);
        left[0].Id.ToString().Should().Contain("/");
    }

    [Fact]
    public async Task ReplayDeadLetters_NoProgress_StillCountsWhatItReplayed()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var failing = 1;
        var handled = 0;
        await using var consumer = await bus.Consume(s_orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("down");
                }

                Interlocked.Increment(ref handled);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishBatchAsync(s_orders, [new OrderPlaced("a", 1), new OrderPlaced("b", 2)]);
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 2);
        Volatile.Write(ref failing, 0);

        var summary = await inspector.ReplayDeadLettersAsync(s_orders);

        summary.Should().Be(new DeadLetterReplaySummary(2, 0));
        await Wait.UntilAsync(() => Volatile.Read(ref handled) == 2, because: "both replayed messages are handled again");
    }

    [Fact]
    public async Task ReplayDeadLetter_QueueMessage_TakenAgainFromAttemptOne()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var jobs = Destination.Queue("jobs");
        var failing = 1;
        var attempts = new ConcurrentQueue<int>();
        await using var worker = await bus.Consume(jobs, InspectionKit.FailOnce)
            .Handle<Job>((c, _) =>
            {
                if (Volatile.Read(ref failing) == 1)
                {
                    throw new InvalidOperationException("down");
                }

                attempts.Enqueue(c.Attempt);
                return ValueTask.CompletedTask;
            })
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishAsync(jobs, new Job(7));
        await InspectionKit.DeadLettersAsync(inspector, jobs, 1);
        (await inspector.GetQueueAsync("jobs")).DeadLetters.Should().Be(1);
        var letter = (await inspector.ListDeadLettersAsync(jobs)).Items.Single();
        Volatile.Write(ref failing, 0);

        (await inspector.ReplayDeadLetterAsync(jobs, letter.Id)).Should().Be(ReplayOutcome.Replayed);

        await Wait.UntilAsync(() => attempts.Count == 1, because: "the queue hands the message out again");
        attempts.Should().Equal(1);
        (await inspector.CountDeadLettersAsync(jobs)).Should().Be(0);
    }

    [Fact]
    public async Task ReplayDeadLetter_ChannelWithoutSubscribers_KeptUntilSomeoneListens()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var alerts = Destination.Channel("alerts");
        var inspector = bus.CreateInspector();
        var failing = await bus.Consume(alerts, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("pager down"))
            .StartAsync();
        await Wait.UntilAsync(async () => (await inspector.GetChannelAsync("alerts")).Subscribers == 1, because: "the consumer subscribes");
        await bus.PublishAsync(alerts, new OrderPlaced("page-me", 1));
        await InspectionKit.DeadLettersAsync(inspector, alerts, 1);
        await failing.DisposeAsync();
        await Wait.UntilAsync(async () => (await inspector.GetChannelAsync("alerts")).Subscribers == 0, because: "the consumer unsubscribes");
        var letter = (await inspector.ListDeadLettersAsync(alerts)).Items.Single();

        (await inspector.ReplayDeadLetterAsync(alerts, letter.Id)).Should().Be(ReplayOutcome.NoSubscriber);
        (await inspector.CountDeadLettersAsync(alerts)).Should().Be(1, "publishing to nobody would lose it");

        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listening = await bus.Consume(alerts, BusFixture.Fast)
            .Handle<OrderPlaced>((c, _) => { received.TrySetResult(c.Attempt); return ValueTask.CompletedTask; })
            .StartAsync();
        await Wait.UntilAsync(async () => (await inspector.GetChannelAsync("alerts")).Subscribers == 1, because: "the new consumer subscribes");
        (await inspector.ReplayDeadLetterAsync(alerts, letter.Id)).Should().Be(ReplayOutcome.Replayed);
        (await received.Task.WaitAsync(Wait.DefaultTimeout)).Should().Be(1);
        (await inspector.GetChannelAsync("alerts")).DeadLetters.Should().Be(0);
    }

    [Fact]
    public async Task DeleteAndPurge_DeadLetterStreamSharedByQueueAndStream_RemoveOnlyTheDestinationsOwn()
    {
        await using var bus = await fixture.CreateBusAsync(fixture.NewPrefix());
        var queue = Destination.Queue("orders");
        await using var streamConsumer = await bus.Consume(s_orders, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("stream handler fails"))
            .StartAsync();
        await using var queueConsumer = await bus.Consume(queue, InspectionKit.FailOnce)
            .Handle<OrderPlaced>((_, _) => throw new InvalidOperationException("queue handler fails"))
            .StartAsync();
        var inspector = bus.CreateInspector();
        await bus.PublishBatchAsync(s_orders, Enumerable.Range(0, 4).Select(i => new OrderPlaced($"s-{i}", i)));
        await bus.PublishAsync(s_orders, new OrderCancelled("s-c"));
        await bus.PublishBatchAsync(queue, Enumerable.Range(0, 3).Select(i => new OrderPlaced($"q-{i}", i)));
        await InspectionKit.DeadLettersAsync(inspector, s_orders, 5);
        await InspectionKit.DeadLettersAsync(inspector, queue, 3);
        var first = (await inspector.ListDeadLettersAsync(s_orders, limit: 1)).Items.Single();

        (await inspector.DeleteDeadLetterAsync(s_orders, first.Id)).Should().BeTrue();
        (await inspector.DeleteDeadLetterAsync(s_orders, first.Id)).Should().BeFalse();
        var queueLetter = (await inspector.ListDeadLettersAsync(queue, limit: 1)).Items.Single();
        (await inspector.DeleteDeadLetterAsync(s_orders, queueLetter.Id)).Should().BeFalse("it is the queue's dead letter");
        (await inspector.PurgeDeadLettersAsync(s_orders, new DeadLetterFilter { MessageType = "test.order.cancelled" })).Should().Be(1);
        (await inspector.CountDeadLettersAsync(s_orders)).Should().Be(3);
        (await inspector.PurgeDeadLettersAsync(s_orders)).Should().Be(3);

        (await inspector.CountDeadLettersAsync(s_orders)).Should().Be(0);
        (await inspector.ListDeadLettersAsync(queue)).Items.Should().HaveCount(3).And.OnlyContain(l => l.Error == "queue handler fails");
        (await inspector.GetDestinationAsync(queue)).DeadLetters.Should().Be(3);
    }

    // Progress<T> posts to the thread pool; this reports in order, at once.
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
