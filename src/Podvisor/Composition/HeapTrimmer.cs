using Microsoft.Extensions.Logging;

namespace Podvisor.Composition;

/// <summary>
/// Keeps serve's memory close to its live heap. The GC sizes its youngest generation from the CPU's last-level
/// cache (on the project's machine, which reports a 300 MiB L3, about 80 MiB between collections), and after a
/// burst (1,000 pods created at once) it keeps every region it committed. A node agent allocates slowly and
/// steadily, so neither is worth the memory: every <see cref="HeapTrimmerOptions.Interval"/> this collects the
/// youngest generation once <see cref="HeapTrimmerOptions.YoungBudget"/> bytes were allocated without a
/// collection, and, at most every <see cref="HeapTrimmerOptions.TrimInterval"/>, returns committed memory to the
/// OS when it exceeds the live heap by <see cref="HeapTrimmerOptions.TrimSlack"/>. The runtime's own knob for the
/// first (GCgen0size) is read only from the environment, so it cannot ship in the runtimeconfig.
/// </summary>
internal sealed partial class HeapTrimmer : IAsyncDisposable
{
    private readonly HeapTrimmerOptions _options;
    private readonly IManagedHeap _heap;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private ITimer? _timer;
    private bool _disposed;

    // Owned by TrimOnce (under _gate).
    private int _youngCollections = -1;
    private long _allocatedAtYoungCollection;
    private long _lastTrim;

    public HeapTrimmer(HeapTrimmerOptions options, IManagedHeap heap, TimeProvider time, ILogger logger)
    {
        options.Validate();
        _options = options;
        _heap = heap;
        _time = time;
        _logger = logger;
        _lastTrim = time.GetTimestamp();
    }

    /// <summary>Young collections this trimmer asked for (diagnostics and tests).</summary>
    public int YoungCollections { get; private set; }

    /// <summary>Memory-returning collections this trimmer asked for (diagnostics and tests).</summary>
    public int Trims { get; private set; }

    /// <summary>Starts the periodic check; idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _time.CreateTimer(static s => ((HeapTrimmer)s!).TrimOnce(), this, _options.Interval, _options.Interval);
        }
    }

    /// <summary>One check: collect the youngest generation and/or return memory if the thresholds say so.</summary>
    internal void TrimOnce()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var allocated = _heap.AllocatedBytes;
            var collections = _heap.YoungCollections;
            if (collections != _youngCollections)
            {
                // The GC collected on its own since the last check: count from here.
                _youngCollections = collections;
                _allocatedAtYoungCollection = allocated;
            }
            else if (allocated - _allocatedAtYoungCollection >= _options.YoungBudget)
            {
                _heap.CollectYoung();
                YoungCollections++;
                _youngCollections = _heap.YoungCollections;
                _allocatedAtYoungCollection = allocated;
            }

            if (_time.GetElapsedTime(_lastTrim) < _options.TrimInterval)
            {
                return;
            }

            var (committed, live) = _heap.CommittedAndLiveBytes();
            if (committed - live < _options.TrimSlack)
            {
                return;
            }

            _lastTrim = _time.GetTimestamp();
            _heap.ReturnMemory();
            Trims++;
            _youngCollections = _heap.YoungCollections;
            _allocatedAtYoungCollection = _heap.AllocatedBytes;
            var (after, _) = _heap.CommittedAndLiveBytes();
            LogTrimmed(_logger, committed >> 20, after >> 20, live >> 20, _time.GetElapsedTime(_lastTrim).TotalMilliseconds);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Returned managed-heap memory: committed {Before} MiB -> {After} MiB (live {Live} MiB) in {Milliseconds:F1} ms")]
    private static partial void LogTrimmed(ILogger logger, long before, long after, long live, double milliseconds);
}

/// <summary>Thresholds of <see cref="HeapTrimmer"/>.</summary>
internal sealed record HeapTrimmerOptions
{
    /// <summary>How often the trimmer looks at the heap.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes allocated without a collection of the youngest generation before the trimmer asks for one.</summary>
    public long YoungBudget { get; init; } = 16L << 20;

    /// <summary>Least time between two memory-returning collections (each is a full, compacting collection).</summary>
    public TimeSpan TrimInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Committed bytes above the live heap that make a memory-returning collection worth it.</summary>
    public long TrimSlack { get; init; } = 48L << 20;

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero || TrimInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("HeapTrimmerOptions: Interval and TrimInterval must be positive");
        }

        if (YoungBudget <= 0 || TrimSlack <= 0)
        {
            throw new ArgumentException("HeapTrimmerOptions: YoungBudget and TrimSlack must be positive");
        }
    }
}

/// <summary>The GC as <see cref="HeapTrimmer"/> sees it; <see cref="RuntimeHeap"/> is the real one.</summary>
internal interface IManagedHeap
{
    long AllocatedBytes { get; }

    int YoungCollections { get; }

    /// <summary>Committed bytes now, and the heap's size after the last collection.</summary>
    (long Committed, long Live) CommittedAndLiveBytes();

    void CollectYoung();

    void ReturnMemory();
}

internal sealed class RuntimeHeap : IManagedHeap
{
    public static readonly RuntimeHeap Instance = new();

    public long AllocatedBytes => GC.GetTotalAllocatedBytes(precise: false);

    public int YoungCollections => GC.CollectionCount(0);

    public (long Committed, long Live) CommittedAndLiveBytes()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return (info.TotalCommittedBytes, info.HeapSizeBytes);
    }

    public void CollectYoung() => GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);

    // Aggressive: a full compacting collection that also decommits the free regions.
    public void ReturnMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
