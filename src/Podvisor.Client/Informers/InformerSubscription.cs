using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Model.Meta;

namespace Podvisor.Client.Informers;

/// <summary>
/// One subscriber of an <see cref="Informer{T}"/>: a bounded channel (FullMode Wait, see the informer) drained by a
/// task of its own, which first replays the cache as it was when the subscription was made.
/// </summary>
internal sealed class InformerSubscription<T> : IAsyncDisposable
    where T : class, IKubernetesObject
{
    private readonly Informer<T> _owner;
    private readonly Func<InformerEvent<T>, CancellationToken, ValueTask> _handler;
    private readonly Channel<InformerEvent<T>> _channel;
    private readonly int _capacity;
    private readonly string _resource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _disposed;

    public InformerSubscription(
        Informer<T> owner,
        Func<InformerEvent<T>, CancellationToken, ValueTask> handler,
        List<InformerEvent<T>> initial,
        int capacity,
        string resource,
        ILogger logger)
    {
        _owner = owner;
        _handler = handler;
        _capacity = capacity;
        _resource = resource;
        _logger = logger;
        _channel = Channel.CreateBounded<InformerEvent<T>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _run = Task.Run(() => RunAsync(initial, _stop.Token));
    }

    public async ValueTask EnqueueAsync(InformerEvent<T> change, CancellationToken ct)
    {
        if (_channel.Writer.TryWrite(change))
        {
            return;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        InformerLog.SubscriberFull(_logger, _resource, _capacity);
        try
        {
            await _channel.Writer.WriteAsync(change, ct);
        }
        catch (ChannelClosedException)
        {
            // Unsubscribed while the watch loop waited: the event has nobody left to go to.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _owner.Remove(this);
        _channel.Writer.TryComplete();
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }

    private async Task RunAsync(List<InformerEvent<T>> initial, CancellationToken ct)
    {
        try
        {
            foreach (var change in initial)
            {
                await DeliverAsync(change, ct);
            }

            while (await _channel.Reader.WaitToReadAsync(ct))
            {
                while (_channel.Reader.TryRead(out var change))
                {
                    await DeliverAsync(change, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async ValueTask DeliverAsync(InformerEvent<T> change, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        try
        {
            await _handler(change, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            InformerLog.HandlerFailed(_logger, e, _resource, change.Type, Informer<T>.KeyOf(change.Object));
        }
    }
}
