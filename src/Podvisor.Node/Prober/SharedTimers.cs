namespace Podvisor.Node.Prober;

/// <summary>
/// Many timers driven by one timer of the <see cref="TimeProvider"/>. With one timer per probe worker, 1,000 workers
/// put 1,000 timers in the runtime's timer queue, which walks them all each time one fires (a tenth of serve's
/// user-space time at 1,000 probes a second); here the queue holds one, re-armed for the earliest due entry.
/// Periodic entries keep their phase (the next due time is the previous one plus the period, not the firing
/// time plus the period), so workers aligned to the same step stay together. Callbacks run on the thread that fired
/// the shared timer, outside any lock, and must not block.
/// </summary>
internal sealed class SharedTimers : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(Entry Entry, long Version), long> _queue = new();
    private readonly ITimer _timer;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public SharedTimers(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static s => ((SharedTimers)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Like <see cref="TimeProvider.CreateTimer"/>; the callback runs on the shared timer's thread.</summary>
    public ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var entry = new Entry(this, callback, state);
        entry.Change(dueTime, period);
        return entry;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _queue.Clear();
        }

        _timer.Dispose();
    }

    private long ToTicks(TimeSpan span) => span.Ticks * _time.TimestampFrequency / TimeSpan.TicksPerSecond;

    private bool Change(Entry entry, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_disposed || entry.Disposed)
            {
                return false;
            }

            entry.Version++;
            entry.Period = period == Timeout.InfiniteTimeSpan ? 0 : ToTicks(period);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            Enqueue(entry, now + Math.Max(0, ToTicks(dueTime)), now);
            return true;
        }
    }

    private void Remove(Entry entry)
    {
        lock (_gate)
        {
            entry.Disposed = true;
            entry.Version++; // what is queued for it is now stale
        }
    }

    // Under _gate.
    private void Enqueue(Entry entry, long due, long now)
    {
        _queue.Enqueue((entry, entry.Version), due);
        if (due < _armedFor)
        {
            Arm(due, now);
        }
    }

    // Under _gate.
    private void Arm(long due, long now)
    {
        _armedFor = due;
        var wait = Math.Max(0, due - now);
        _timer.Change(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        List<Entry>? due = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetTimestamp();
            _armedFor = long.MaxValue;
            while (_queue.TryPeek(out var item, out var at) && at <= now)
            {
                _queue.Dequeue();
                var entry = item.Entry;
                if (item.Version != entry.Version)
                {
                    continue; // changed or disposed since it was queued
                }

                (due ??= []).Add(entry);
                if (entry.Period > 0)
                {
                    // Keep the phase; if ticks were missed (a stalled process), skip them as Go's ticker does.
                    var next = at + entry.Period;
                    if (next <= now)
                    {
                        next += ((now - next) / entry.Period + 1) * entry.Period;
                    }

                    _queue.Enqueue((entry, entry.Version), next);
                }
            }

            if (_queue.TryPeek(out _, out var earliest))
            {
                Arm(earliest, now);
            }
        }

        foreach (var entry in due ?? [])
        {
            entry.Callback(entry.State);
        }
    }

    private sealed class Entry(SharedTimers owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        // Guarded by owner._gate.
        public long Version { get; set; }

        public long Period { get; set; }

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
