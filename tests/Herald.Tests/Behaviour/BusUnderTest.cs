using Herald.Redis.Commands;
using Herald.Testing;

namespace Herald.Tests.Behaviour;

/// <summary>A dead letter as the behaviour suite compares it, whatever stored it.</summary>
public sealed record DeadLetterRecord(string MessageId, string Reason, string Error, int Attempts, string Origin);

/// <summary>
/// A bus for one behaviour test, with what the suite needs to look behind it. Every name a test uses goes
/// through <see cref="Name"/>, so tests sharing a Redis never see each other's channels.
/// </summary>
public abstract class BusUnderTest(HeraldClient bus, string prefix, IAsyncDisposable owner) : IAsyncDisposable
{
    public HeraldClient Bus { get; } = bus;

    /// <summary>A destination name of this test's own.</summary>
    public string Name(string name) => prefix + name;

    /// <summary>Messages of a stream delivered to <paramref name="group"/> and not acknowledged.</summary>
    public abstract Task<long> PendingAsync(Destination stream, string group);

    /// <summary>The dead letters of a stream, queue or channel, oldest first.</summary>
    public abstract Task<IReadOnlyList<DeadLetterRecord>> DeadLettersAsync(Destination destination);

    /// <summary>Messages of a queue (priority level 0) not yet delivered: ready and delayed.</summary>
    public abstract Task<long> WaitingAsync(Destination queue);

    /// <summary>Disposes what owns the bus (the bus itself, or the harness around it).</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return owner.DisposeAsync();
    }
}

/// <summary>A bus on a real redis-server; the suite looks behind it with Redis commands.</summary>
public sealed class RedisBusUnderTest(HeraldClient bus, string prefix) : BusUnderTest(bus, prefix, bus)
{
    public static async Task<BusUnderTest> StartAsync(BusFixture fixture, string test, Action<HeraldOptions>? configure)
    {
        var prefix = fixture.NewPrefix(test);
        return new RedisBusUnderTest(await fixture.CreateBusAsync(prefix, configure), prefix);
    }

    public override async Task<long> PendingAsync(Destination stream, string group) =>
        (await Bus.Redis!.StreamPendingAsync(Bus.Keys.Stream(stream.Name), group)).Count;

    public override async Task<long> WaitingAsync(Destination queue) =>
        await Bus.Redis!.ListLengthAsync(Bus.Keys.Queue(queue.Name)) + await Bus.Redis!.SortedSetLengthAsync(Bus.Keys.Delayed(queue.Name));

    public override async Task<IReadOnlyList<DeadLetterRecord>> DeadLettersAsync(Destination destination)
    {
        var key = destination.Kind == DestinationKind.Channel ? Bus.Keys.ChannelDeadLetters(destination.Name) : Bus.Keys.DeadLetters(destination.Name);
        var entries = await Bus.Redis!.StreamRangeAsync(key);
        return [.. entries.Select(e => new DeadLetterRecord(
            e.GetString("id")!, e.GetString("dlq-reason")!, e.GetString("dlq-error")!, int.Parse(e.GetString("dlq-attempts")!, System.Globalization.CultureInfo.InvariantCulture), e.GetString("dlq-origin")!))];
    }
}

/// <summary>A bus on the in-memory transport of Herald.Testing; the suite looks behind it through the harness.</summary>
public sealed class InMemoryBusUnderTest(HeraldTestHarness harness, string prefix) : BusUnderTest(harness.Bus, prefix, harness)
{
    public static async Task<BusUnderTest> StartAsync(string test, Action<HeraldOptions>? configure) =>
        new InMemoryBusUnderTest(await HeraldTestHarness.StartAsync(configure), $"t:{test}:{Guid.NewGuid().ToString("N")[..8]}:");

    public override Task<long> PendingAsync(Destination stream, string group) => Task.FromResult<long>(harness.Transport.PendingCount(stream, group));

    public override Task<long> WaitingAsync(Destination queue) => Task.FromResult<long>(harness.Transport.WaitingCount(queue));

    public override Task<IReadOnlyList<DeadLetterRecord>> DeadLettersAsync(Destination destination) =>
        Task.FromResult<IReadOnlyList<DeadLetterRecord>>([.. harness.DeadLetters(destination).Select(d => new DeadLetterRecord(
            d.Envelope.Id, d.Reason.ToString(), d.Info.ErrorMessage, d.Info.Attempts, d.Origin.ToString()))]);
}
