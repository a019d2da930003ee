namespace Herald.Cli.Bench;

/// <summary>
/// What the producer of a bus benchmark sends, through the public call a user would make: raw messages on a
/// transport (<see cref="MessageBenchLoad"/>) or tasks (<see cref="TaskBenchLoad"/>). Every phase of
/// <see cref="BusBench"/> is the same for all of them; only the sending differs.
/// </summary>
internal abstract class BusBenchLoad
{
    /// <summary>Messages per batch of the throughput, warm-up and drain phases.</summary>
    public const int BatchSize = 200;

    public static BusBenchLoad Create(string transport, HeraldClient bus, string prefix) =>
        transport == TaskBench.Transport
            ? new TaskBenchLoad(bus)
            : new MessageBenchLoad(bus, BusBench.DestinationFor(transport, prefix));

    /// <summary>Sends <see cref="BatchSize"/> messages in one call.</summary>
    public abstract ValueTask SendBatchAsync(CancellationToken cancellationToken);

    /// <summary>Sends one message of the paced phase, whose latency the consumer process records.</summary>
    public abstract ValueTask SendPacedAsync(CancellationToken cancellationToken);

    /// <summary>A body of <see cref="BusBench.BodyBytes"/> bytes whose first byte tells the phase apart.</summary>
    public static byte[] Body(byte marker)
    {
        var body = new byte[BusBench.BodyBytes];
        body.AsSpan().Fill((byte)'x');
        body[0] = marker;
        return body;
    }
}

/// <summary>Raw bodies published on a stream, queue or channel; paced ones start with <see cref="BusBench.PacedMarker"/>.</summary>
internal sealed class MessageBenchLoad(HeraldClient bus, Destination destination) : BusBenchLoad
{
    private readonly byte[][] _batch = Enumerable.Repeat(Body((byte)'T'), BatchSize).ToArray();
    private readonly byte[] _paced = Body(BusBench.PacedMarker);

    public override async ValueTask SendBatchAsync(CancellationToken cancellationToken) =>
        await bus.PublishBatchAsync(destination, _batch, cancellationToken: cancellationToken);

    public override async ValueTask SendPacedAsync(CancellationToken cancellationToken) =>
        await bus.PublishAsync(destination, _paced, cancellationToken: cancellationToken);
}
