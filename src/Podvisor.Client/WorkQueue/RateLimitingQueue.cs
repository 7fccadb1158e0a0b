namespace Podvisor.Client.WorkQueue;

/// <summary>
/// client-go's rate-limited work queue, keyed by string (usually "namespace/name"). Guarantees:
/// <list type="bullet">
/// <item>a key waiting in the queue is held once, however often it is added (de-duplication);</item>
/// <item>a key is handed to at most one worker at a time: added again while being processed, it is queued again
/// when the worker calls <see cref="Done"/>, so the change is processed after, never concurrently;</item>
/// <item><see cref="AddAfter"/> delays on the <see cref="TimeProvider"/>; a key waiting for several delays keeps the
/// earliest; <see cref="AddRateLimited"/> delays per key exponentially until <see cref="Forget"/>.</item>
/// </list>
/// Memory is bounded by the number of distinct keys, not the number of adds, which is why the queue needs no
/// capacity of its own. Thread-safe.
/// </summary>
public sealed class RateLimitingQueue : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly object _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly Dictionary<string, Delayed> _delayed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private bool _shutDown;

    /// <param name="baseDelay">First <see cref="AddRateLimited"/> delay (client-go: 5 ms); doubles per failure.</param>
    /// <param name="maxDelay">Cap of the per-key delay (client-go: 1000 s).</param>
    public RateLimitingQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5);
        _maxDelay = maxDelay ?? TimeSpan.FromSeconds(1000);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_baseDelay, TimeSpan.Zero, nameof(baseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(_maxDelay, _baseDelay, nameof(maxDelay));
    }

    /// <summary>Keys ready to be handed out (not those waiting for a delay or being processed).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for an <see cref="AddAfter"/> delay.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    public bool IsShutDown
    {
        get
        {
            lock (_gate)
            {
                return _shutDown;
            }
        }
    }

    /// <summary>Marks the key for processing. Ignored after <see cref="ShutDown"/>.</summary>
    public void Add(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        TaskCompletionSource<string?>? handTo = null;
        lock (_gate)
        {
            if (_shutDown || !_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            if (_waiters.First is { } first)
            {
                // A worker is already waiting: hand the key over directly, the queue stays empty.
                _waiters.RemoveFirst();
                first.Value.Registration.Unregister();
                _dirty.Remove(key);
                _processing.Add(key);
                handTo = first.Value.Completion;
            }
            else
            {
                _queue.Enqueue(key);
            }
        }

        handTo?.TrySetResult(key);
    }

    /// <summary>Adds the key once <paramref name="delay"/> has passed (at once when it is zero or negative).</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shutDown)
            {
                return;
            }

            var due = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            if (_delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer?.Dispose();
            }

            var delayed = new Delayed(due);
            _delayed[key] = delayed;
            delayed.Timer = _time.CreateTimer(
                static s =>
                {
                    var (queue, k, d) = ((RateLimitingQueue, string, Delayed))s!;
                    queue.FireDelayed(k, d);
                },
                (this, key, delayed),
                delay,
                Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Adds the key after its per-key back-off (<c>baseDelay · 2^failures</c>, capped) and counts a failure.</summary>
    public void AddRateLimited(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        AddAfter(key, NextDelay(key));
    }

    /// <summary>Clears the key's failure count (call after it was processed successfully).</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>How often <see cref="AddRateLimited"/> was called since the last <see cref="Forget"/>.</summary>
    public int NumRequeues(string key)
    {
        lock (_gate)
        {
            return _failures.TryGetValue(key, out var n) ? n : 0;
        }
    }

    /// <summary>
    /// Waits for a key and marks it as being processed; the caller must call <see cref="Done"/> with it.
    /// Returns null once the queue is shut down and empty.
    /// </summary>
    public Task<string?> GetAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_queue.TryDequeue(out var key))
            {
                _dirty.Remove(key);
                _processing.Add(key);
                return Task.FromResult<string?>(key);
            }

            if (_shutDown)
            {
                return Task.FromResult<string?>(null);
            }

            if (ct.IsCancellationRequested)
            {
                return Task.FromCanceled<string?>(ct);
            }

            var waiter = new Waiter(new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
            var node = _waiters.AddLast(waiter);
            waiter.Registration = ct.UnsafeRegister(
                static (s, token) =>
                {
                    var (queue, n) = ((RateLimitingQueue, LinkedListNode<Waiter>))s!;
                    queue.CancelWaiter(n, token);
                },
                (this, node));
            return waiter.Completion.Task;
        }
    }

    /// <summary>Ends processing of the key; if it was added meanwhile it is queued again.</summary>
    public void Done(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        bool requeue;
        lock (_gate)
        {
            if (!_processing.Remove(key))
            {
                return;
            }

            requeue = _dirty.Remove(key);
        }

        if (requeue)
        {
            Add(key);
        }
    }

    /// <summary>Stops accepting keys and pending delays; waiting workers get null, queued keys are still handed out.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<string?>> wake;
        lock (_gate)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
            foreach (var d in _delayed.Values)
            {
                d.Timer?.Dispose();
            }

            _delayed.Clear();
            wake = [.. _waiters.Select(w => w.Completion)];
            foreach (var w in _waiters)
            {
                w.Registration.Unregister();
            }

            _waiters.Clear();
        }

        foreach (var w in wake)
        {
            w.TrySetResult(null);
        }
    }

    public void Dispose() => ShutDown();

    private TimeSpan NextDelay(string key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.TryGetValue(key, out var n) ? n : 0;
            _failures[key] = failures + 1;
        }

        // 2^failures overflows long before the cap matters; stop doubling once past it.
        var delay = _baseDelay;
        for (var i = 0; i < failures && delay < _maxDelay; i++)
        {
            delay *= 2;
        }

        return delay > _maxDelay ? _maxDelay : delay;
    }

    private void FireDelayed(string key, Delayed delayed)
    {
        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var current) || !ReferenceEquals(current, delayed))
            {
                return;
            }

            _delayed.Remove(key);
            delayed.Timer?.Dispose();
        }

        Add(key);
    }

    // Registrations are only ever Unregister()ed under the gate, never Dispose()d: Dispose waits for a running
    // callback, and this callback takes the gate.
    private void CancelWaiter(LinkedListNode<Waiter> node, CancellationToken ct)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.Completion.TrySetCanceled(ct);
    }

    private sealed class Waiter(TaskCompletionSource<string?> completion)
    {
        public TaskCompletionSource<string?> Completion { get; } = completion;

        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Delayed(long due)
    {
        public long Due { get; } = due;

        public ITimer? Timer { get; set; }
    }
}
