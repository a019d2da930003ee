using Herald.Messages;

namespace Herald.Testing;

/// <summary>
/// A <see cref="HeraldClient"/> on an <see cref="InMemoryTransport"/>, for unit tests of handlers and
/// producers without Redis: start consumers on <see cref="Bus"/>, publish, wait until everything is handled,
/// then look at what was published and dead-lettered.
/// </summary>
/// <example>
/// <code>
/// await using var harness = await HeraldTestHarness.StartAsync();
/// await using var consumer = await harness.Bus.Consume(Destination.Stream("orders"))
///     .Handle&lt;OrderPlaced&gt;((message, ct) => billing.BillAsync(message.Message, ct))
///     .StartAsync();
/// await harness.Bus.PublishAsync(Destination.Stream("orders"), new OrderPlaced("A-1", 42m));
/// await harness.WaitForIdleAsync();
/// harness.DeadLetters(Destination.Stream("orders")).Should().BeEmpty();
/// </code>
/// </example>
public sealed class HeraldTestHarness : IAsyncDisposable
{
    /// <summary>How long <see cref="WaitForIdleAsync"/> waits when no timeout is given.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_recheck = TimeSpan.FromMilliseconds(5);
    private readonly List<HeraldClient> _clients = [];
    private readonly Lock _clientsLock = new();
    private int _disposed;

    private HeraldTestHarness(InMemoryTransport transport, HeraldClient bus)
    {
        Transport = transport;
        Bus = bus;
        _clients.Add(bus);
    }

    /// <summary>The client under test.</summary>
    public HeraldClient Bus { get; }

    /// <summary>The in-memory transport behind every client of this harness.</summary>
    public InMemoryTransport Transport { get; }

    /// <summary>
    /// Builds a client on a new in-memory transport. <paramref name="configure"/> sets options as for a real
    /// client; set <see cref="HeraldOptions.TimeProvider"/> to a fake clock to control delays, delayed
    /// retries and visibility timeouts. No Redis connection is made unless the options name a Redis server.
    /// </summary>
    public static async Task<HeraldTestHarness> StartAsync(Action<HeraldOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        InMemoryTransport? transport = null;
        var bus = await Build(configure, options => transport = new InMemoryTransport(options.TimeProvider), cancellationToken).ConfigureAwait(false);
        return new HeraldTestHarness(transport!, bus);
    }

    /// <summary>
    /// Another client on the same transport, as a second service on the same Redis; disposed with the
    /// harness and included in <see cref="WaitForIdleAsync"/>.
    /// </summary>
    public async Task<HeraldClient> CreateBusAsync(Action<HeraldOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bus = await Build(configure, _ => Transport, cancellationToken).ConfigureAwait(false);
        lock (_clientsLock)
        {
            _clients.Add(bus);
        }

        return bus;
    }

    /// <summary>Every message published to <paramref name="destination"/> (for a pattern: to the channels it matches), in order.</summary>
    public IReadOnlyList<MessageEnvelope> Published(Destination destination) => Transport.Published(destination);

    /// <summary>The bodies of the messages of <typeparamref name="T"/> published to <paramref name="destination"/>, decoded by <see cref="Bus"/>'s codecs.</summary>
    public IReadOnlyList<T> Published<T>(Destination destination)
    {
        var type = MessageTypes.NameOf<T>();
        return [.. Transport.Published(destination).Where(e => e.Type == type).Select(e => (T)Bus.Codec.Decode(e, typeof(T))!)];
    }

    /// <summary>The dead letters of <paramref name="destination"/> (for a pattern: of the channels it matches), oldest first.</summary>
    public IReadOnlyList<InMemoryDeadLetter> DeadLetters(Destination destination) => Transport.DeadLetters(destination);

    /// <summary>
    /// Waits until nothing is left to do: the transport is idle (<see cref="InMemoryTransport.IsIdle"/>) and no
    /// consumer of this harness's clients has a message in hand. Messages scheduled for later count as work:
    /// with a fake clock, advance it first.
    /// </summary>
    /// <exception cref="TimeoutException">Still busy after <paramref name="timeout"/> (default <see cref="DefaultIdleTimeout"/>); the message says with what.</exception>
    public async Task WaitForIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        var limit = timeout ?? DefaultIdleTimeout;
        while (!IsIdle())
        {
            if (TimeProvider.System.GetElapsedTime(deadline) >= limit)
            {
                throw new TimeoutException($"Not idle after {limit.TotalSeconds:0.###} s: {Busy()}");
            }

            // A change of transport state wakes this at once; a consumer finishing its bookkeeping does not
            // signal, so look again shortly in any case. Real time: a fake clock may never move.
            await Task.WhenAny(Transport.NextChange(), Task.Delay(s_recheck, TimeProvider.System, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Disposes every client of the harness (stopping their consumers); the transport's state stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var client in Clients())
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<HeraldClient> Build(Action<HeraldOptions>? configure, Func<HeraldOptions, InMemoryTransport> transport, CancellationToken cancellationToken)
    {
        var builder = HeraldClient.CreateBuilder().UseTransport(transport);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return await builder.BuildAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool IsIdle() => Transport.IsIdle && Clients().All(static c => c.Consumers.All(static consumer => consumer.InFlight == 0));

    private string Busy()
    {
        var handling = Clients().SelectMany(static c => c.Consumers).Where(static c => c.InFlight > 0)
            .Select(static c => $"{c.Destination} consumer {c.Name}: {c.InFlight} in hand");
        return string.Join("; ", handling.Prepend(Transport.DescribeBusyWork()).Where(static line => line.Length > 0));
    }

    private List<HeraldClient> Clients()
    {
        lock (_clientsLock)
        {
            return [.. _clients];
        }
    }
}
