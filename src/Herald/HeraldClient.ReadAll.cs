using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Herald.Consuming;

namespace Herald;

public sealed partial class HeraldClient
{
    /// <summary>
    /// Consumes <paramref name="destination"/> as an asynchronous sequence, for loops that want to pull
    /// messages rather than register handlers. Moving on to the next item acknowledges the current one;
    /// if the loop breaks or throws, or <paramref name="cancellationToken"/> is cancelled, the current item
    /// is not acknowledged (it is handed back for redelivery) and the consumer stops.
    /// </summary>
    /// <remarks>
    /// A consumer with <see cref="ConsumerOptions.Concurrency"/> 1 runs underneath; the time the loop
    /// spends on an item counts as handler time, so <see cref="ConsumerOptions.HandlerTimeout"/> is
    /// infinite unless <paramref name="configure"/> sets it. Prefetched messages that the loop never
    /// reached are handed back when it ends.
    /// </remarks>
    /// <exception cref="DestinationAccessDeniedException">This client's role may not consume the destination.</exception>
    public async IAsyncEnumerable<MessageContext<T>> ReadAllAsync<T>(Destination destination, Action<ConsumerOptions>? configure = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var handoff = Channel.CreateUnbounded<(MessageContext<T> Context, TaskCompletionSource Done)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var consumer = await Consume(destination, options =>
            {
                options.HandlerTimeout = Timeout.InfiniteTimeSpan;
                configure?.Invoke(options);

                // One item at a time is what a loop takes; and once the loop has gone, nobody will finish the
                // item it held, so stopping must not wait for it.
                options.Concurrency = 1;
                options.StopTimeout = TimeSpan.Zero;
            })
            .Handle<T>(async (context, token) =>
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await handoff.Writer.WriteAsync((context, done), token).ConfigureAwait(false);
                await done.Task.WaitAsync(token).ConfigureAwait(false);
            })
            .StartAsync(cancellationToken).ConfigureAwait(false);

        // When the consumer stops from elsewhere (the client disposed), the sequence ends.
        var forget = consumer.Stopped;
        consumer.Stopped = stopped =>
        {
            forget?.Invoke(stopped);
            handoff.Writer.TryComplete();
        };

        try
        {
            while (await handoff.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (handoff.Reader.TryRead(out var item))
                {
                    yield return item.Context;

                    // Cancelled while the loop held the item: whether it was finished is unknown, so it is not acknowledged.
                    cancellationToken.ThrowIfCancellationRequested();
                    item.Done.TrySetResult();
                }
            }
        }
        finally
        {
            // The item being held, if any, is still waiting in its handler: stopping cancels that wait and the
            // runtime hands the message back instead of acknowledging it.
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
