using Podvisor.Model.Core;

namespace Podvisor.Node.Restart;

/// <summary>
/// Per-container restart back-off, the kubelet's use of client-go's flowcontrol.Backoff (SPEC §1.9): 10 s, doubled
/// on every restart, capped at 300 s, no jitter. An entry untouched for more than 2×cap (600 s) has expired and the
/// next crash counts as the first. Keys come from <see cref="Key"/>, so a changed container spec starts afresh.
/// Thread-safe.
/// </summary>
public sealed class CrashLoopBackOff
{
    public static readonly TimeSpan DefaultInitial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultMax = TimeSpan.FromSeconds(300);

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CrashLoopBackOff(TimeProvider time, TimeSpan? initial = null, TimeSpan? max = null)
    {
        _time = time;
        Initial = initial ?? DefaultInitial;
        Max = max ?? DefaultMax;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Initial, TimeSpan.Zero, nameof(initial));
        ArgumentOutOfRangeException.ThrowIfLessThan(Max, Initial, nameof(max));
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>Number of entries (diagnostics and tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary><c>podName_namespace_podUid_containerName_specHash</c> (the kubelet's GetStableKey).</summary>
    public static string Key(Pod pod, Container container) =>
        $"{pod.Metadata.Name}_{pod.Metadata.Namespace}_{pod.Metadata.Uid}_{container.Name}_{ContainerSpecHash.Compute(container)}";

    /// <summary>The current back-off of the key; zero when it has none.</summary>
    public TimeSpan Get(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var e) ? e.BackOff : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// True while less than the current back-off has passed since <paramref name="eventTime"/> (the previous
    /// container's finishedAt). False when the key has no entry or it expired.
    /// </summary>
    public bool IsInBackOffSince(string key, DateTimeOffset eventTime) => IsInBackOff(key, eventTime, out _);

    /// <inheritdoc cref="IsInBackOffSince"/>
    /// <param name="remaining">How long until a restart is allowed; zero when not in back-off.</param>
    public bool IsInBackOff(string key, DateTimeOffset eventTime, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var e) || HasExpired(eventTime, e.LastUpdate))
            {
                return false;
            }

            var elapsed = _time.GetUtcNow() - eventTime;
            if (elapsed >= e.BackOff)
            {
                return false;
            }

            remaining = e.BackOff - elapsed;
            return true;
        }
    }

    /// <summary>
    /// Moves the key to its next back-off: the initial value when it has none or it expired relative to
    /// <paramref name="eventTime"/>, else double the current one, capped. Records now as its last update.
    /// </summary>
    public void Next(string key, DateTimeOffset eventTime)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var e) || HasExpired(eventTime, e.LastUpdate))
            {
                _entries[key] = new Entry(Initial, now);
            }
            else
            {
                var doubled = e.BackOff * 2;
                _entries[key] = new Entry(doubled > Max ? Max : doubled, now);
            }
        }
    }

    public void Reset(string key)
    {
        lock (_gate)
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Forgets entries not updated for more than 2×cap; call it periodically (housekeeping).</summary>
    public void GC()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var (key, e) in _entries)
            {
                if (now - e.LastUpdate > 2 * Max)
                {
                    _entries.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// The kubelet's doBackOff for one container about to be restarted. Returns true (do not start now) while the
    /// container is in back-off; otherwise advances the back-off and returns false (start now). The first restart
    /// after the first exit is not delayed. <paramref name="current"/> is the back-off that applies (for messages).
    /// </summary>
    public bool ShouldDelayRestart(string key, DateTimeOffset lastFinishedAt, out TimeSpan current, out TimeSpan remaining)
    {
        if (IsInBackOff(key, lastFinishedAt, out remaining))
        {
            current = Get(key);
            return true;
        }

        Next(key, lastFinishedAt);
        current = Get(key);
        return false;
    }

    private bool HasExpired(DateTimeOffset eventTime, DateTimeOffset lastUpdate) => eventTime - lastUpdate > 2 * Max;

    private readonly record struct Entry(TimeSpan BackOff, DateTimeOffset LastUpdate);
}
