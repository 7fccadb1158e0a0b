namespace Podvisor.Store;

/// <summary>Tuning of the store; the defaults suit one node.</summary>
public sealed record StoreOptions
{
    /// <summary>How often the background compactor runs; each run compacts up to the revision current at the previous run.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The newest revisions never compacted, whatever their age.</summary>
    public long CompactionRetainRevisions { get; init; } = 1000;

    /// <summary>Events a watcher may have queued before it is cut off with Expired (it then relists).</summary>
    public int WatchQueueCapacity { get; init; } = 4096;

    /// <summary>How often an idle watch that asked for bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Most writes committed in one transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 1024;

    /// <summary>Writes waiting for the writer thread (those that found a commit running) before writers wait to enqueue.</summary>
    public int WriteQueueCapacity { get; init; } = 16384;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CompactionInterval, TimeSpan.Zero, nameof(CompactionInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(CompactionRetainRevisions, nameof(CompactionRetainRevisions));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatchQueueCapacity, 1, nameof(WatchQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BookmarkInterval, TimeSpan.Zero, nameof(BookmarkInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteQueueCapacity, 1, nameof(WriteQueueCapacity));
    }
}
