using System.Threading.Channels;

namespace Podvisor.Store.Log;

/// <summary>
/// Fans committed rows out to in-process watchers. Called only under the store's commit gate, after the commit, in
/// revision order, so every subscriber's queue is in revision order. Subscribers live in a copy-on-write array so
/// publishing takes no lock. A subscriber whose bounded queue is full is marked overflowed and its queue
/// completed: it never silently misses an event (the watch then ends with an Expired error and the client relists).
/// </summary>
internal sealed class WatchBroadcaster
{
    private readonly object _gate = new();
    private LogSubscription[] _subscriptions = [];
    private long _lastPublished;

    public WatchBroadcaster(long lastPublished)
    {
        _lastPublished = lastPublished;
    }

    /// <summary>Every row with a revision up to this one has been offered to every subscriber.</summary>
    public long LastPublishedRevision => Volatile.Read(ref _lastPublished);

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    public LogSubscription Subscribe(string prefix, int capacity)
    {
        var subscription = new LogSubscription(this, prefix, capacity);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    public void Unsubscribe(LogSubscription subscription)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index >= 0)
            {
                _subscriptions = [.. _subscriptions[..index], .. _subscriptions[(index + 1)..]];
            }
        }
    }

    public void Publish(List<LogRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var subscriptions = Volatile.Read(ref _subscriptions);
        foreach (var s in subscriptions)
        {
            foreach (var row in rows)
            {
                if (row.Key.StartsWith(s.Prefix, StringComparison.Ordinal) && !s.Offer(row))
                {
                    break;
                }
            }
        }

        Volatile.Write(ref _lastPublished, rows[^1].Revision);
    }

    /// <summary>Ends every subscription (store closing): their streams end without an error.</summary>
    public void CompleteAll()
    {
        LogSubscription[] all;
        lock (_gate)
        {
            all = _subscriptions;
            _subscriptions = [];
        }

        foreach (var s in all)
        {
            s.Complete();
        }
    }
}

/// <summary>One watcher's bounded queue of rows under its key prefix.</summary>
internal sealed class LogSubscription : IDisposable
{
    private readonly WatchBroadcaster _owner;
    private readonly Channel<LogRow> _channel;
    private volatile bool _overflowed;

    public LogSubscription(WatchBroadcaster owner, string prefix, int capacity)
    {
        _owner = owner;
        Prefix = prefix;
        // One slot more than the events it may hold, for a bookmark tick.
        _channel = Channel.CreateBounded<LogRow>(new BoundedChannelOptions(capacity + 1)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Prefix { get; }

    public ChannelReader<LogRow> Reader => _channel.Reader;

    /// <summary>True when the queue overflowed and the stream was cut; the watcher must report Expired.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>Queues a row; on overflow marks the subscription, completes it and returns false.</summary>
    public bool Offer(LogRow row)
    {
        if (_channel.Writer.TryWrite(row))
        {
            return true;
        }

        if (!_overflowed)
        {
            _overflowed = true;
            _owner.Unsubscribe(this);
            _channel.Writer.TryComplete();
        }

        return false;
    }

    /// <summary>Asks the reader for a bookmark; skipped when the queue is busy (a bookmark is only for idle watches).</summary>
    public void RequestBookmark()
    {
        if (_channel.Reader.Count == 0)
        {
            _channel.Writer.TryWrite(LogRow.BookmarkTick);
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _owner.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
