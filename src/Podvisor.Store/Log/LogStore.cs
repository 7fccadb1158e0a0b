using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Podvisor.Store.Log;

/// <summary>
/// The log-structured core (kine's design): conditional appends, one global revision, group commit, and the watch
/// fan-out. Knows keys and bytes, nothing of Kubernetes objects.
/// </summary>
/// <remarks>
/// Group commit: every commit runs under one gate, so commits are serialized and published in revision order.
/// A write that finds no write queued and the gate free commits on its caller's thread (a single POST then costs no
/// thread hand-off to a writer and back: on two cores those wake-ups were most of a write's CPU and latency). Any
/// other write is a <see cref="PendingWrite"/> in one bounded channel (writers wait when it is full); a dedicated
/// writer thread drains up to <see cref="StoreOptions.MaxBatchSize"/> of them under the gate and commits them as
/// one transaction. A commit checks each write against the in-memory index of every key's latest row (applying the
/// batch's own earlier rows, so two updates of a key with the same expected revision in one batch give exactly one
/// winner), appends the accepted rows in one transaction, and only after the commit is durable publishes them to
/// watchers and completes the writers. The database's unique (name, prev_revision) index stays the last word: if
/// it rejects the batch, the batch is retried one write at a time.
/// </remarks>
internal sealed partial class LogStore : IAsyncDisposable
{
    private readonly ILogBackend _backend;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _queue;
    private readonly Dictionary<string, KeyState> _index;
    private readonly WatchBroadcaster _broadcaster;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly List<PendingWrite> _batch = [];
    private readonly List<LogRow> _rows = [];
    private readonly List<(string Key, bool Existed, KeyState Previous)> _undo = [];
    private long _currentRevision;
    private long _compactRevision;
    private long _transactions;
    private int _disposed;

    public LogStore(ILogBackend backend, StoreOptions options, ILogger logger)
    {
        _backend = backend;
        _logger = logger;
        var state = backend.Open();
        _index = state.Index;
        _currentRevision = state.CurrentRevision;
        _compactRevision = state.CompactRevision;
        _broadcaster = new WatchBroadcaster(state.CurrentRevision);
        _maxBatch = options.MaxBatchSize;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.WriteQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Factory.StartNew(WriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public ILogBackend Backend => _backend;

    public WatchBroadcaster Broadcaster => _broadcaster;

    /// <summary>The newest committed (durable and readable) revision.</summary>
    public long CurrentRevision => Volatile.Read(ref _currentRevision);

    public long CompactRevision => Volatile.Read(ref _compactRevision);

    /// <summary>Transactions committed so far (a batch of writes is one).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Held by every commit; tests hold it to make writes queue up for one batch.</summary>
    internal object CommitGate => _gate;

    /// <summary>Appends a row for <paramref name="key"/> if the condition of <paramref name="op"/> holds; completes once durable.</summary>
    /// <param name="expectedRevision">Update/Delete: the key's latest revision the caller based the write on.</param>
    /// <param name="prevValue">The value the caller replaced (for watchers' selector transitions); not stored.</param>
    public ValueTask<WriteResult> WriteAsync(LogOp op, string key, byte[] value, long expectedRevision, byte[]? prevValue, CancellationToken ct)
    {
        var pending = new PendingWrite(op, key, value, expectedRevision, prevValue);
        if (_queue.Reader.Count == 0 && Monitor.TryEnter(_gate))
        {
            try
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                _batch.Clear();
                _batch.Add(pending);
                Commit(_batch);
                _batch.Clear();
            }
            finally
            {
                Monitor.Exit(_gate);
            }

            return new ValueTask<WriteResult>(pending.Task);
        }

        return EnqueueAsync(pending, ct);
    }

    private async ValueTask<WriteResult> EnqueueAsync(PendingWrite pending, CancellationToken ct)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                await _queue.Writer.WriteAsync(pending, ct);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(LogStore));
            }
        }

        // Once queued the write will be decided; the caller's token no longer withdraws it.
        return await pending.Task;
    }

    /// <summary>Compacts the log up to <paramref name="revision"/> (clamped below the current revision) on the writer thread.</summary>
    public async Task<long> CompactAsync(long revision, CancellationToken ct)
    {
        var pending = new PendingWrite(LogOp.Compact, "", [], revision, null);
        await _queue.Writer.WriteAsync(pending, ct);
        return (await pending.Task).Revision;
    }

    public LogSubscription Subscribe(string prefix, int capacity) => _broadcaster.Subscribe(prefix, capacity);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _loop;
        lock (_gate)
        {
            // Waits out a commit on a caller's thread; later ones see _disposed and throw.
        }

        _broadcaster.CompleteAll();
        _backend.Dispose();
    }

    /// <summary>The writer thread: blocks for queued writes and commits them in batches under the gate.</summary>
    private void WriterLoop()
    {
        var reader = _queue.Reader;
        while (WaitToRead(reader))
        {
            lock (_gate)
            {
                _batch.Clear();
                while (_batch.Count < _maxBatch && reader.TryRead(out var w))
                {
                    if (w.Op == LogOp.Compact)
                    {
                        // Commit what came before it, then compact alone.
                        Commit(_batch);
                        _batch.Clear();
                        Compact(w);
                        continue;
                    }

                    _batch.Add(w);
                }

                Commit(_batch);
                _batch.Clear();
            }
        }

        static bool WaitToRead(ChannelReader<PendingWrite> reader)
        {
            var wait = reader.WaitToReadAsync();
            return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
        }
    }

    private void Commit(List<PendingWrite> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        _rows.Clear();
        _undo.Clear();
        var revision = _currentRevision;
        foreach (var w in batch)
        {
            ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, w.Key, out var exists);
            var live = exists && !state.Deleted;
            long createRevision;
            long prev;
            switch (w.Op)
            {
                case LogOp.Create:
                    if (live)
                    {
                        w.Result = new WriteResult(WriteStatus.AlreadyExists, state.Revision);
                        continue;
                    }

                    prev = exists ? state.Revision : 0;
                    createRevision = revision + 1;
                    break;
                default:
                    if (!live)
                    {
                        if (!exists)
                        {
                            _index.Remove(w.Key);
                        }

                        w.Result = new WriteResult(WriteStatus.NotFound, 0);
                        continue;
                    }

                    if (state.Revision != w.ExpectedRevision)
                    {
                        w.Result = new WriteResult(WriteStatus.Conflict, state.Revision);
                        continue;
                    }

                    prev = state.Revision;
                    createRevision = state.CreateRevision;
                    break;
            }

            revision++;
            _undo.Add((w.Key, exists, state));
            var deleted = w.Op == LogOp.Delete;
            state = new KeyState(revision, createRevision, deleted);
            _rows.Add(new LogRow(revision, w.Key, w.Op == LogOp.Create, deleted, createRevision, prev, w.Value, w.Op == LogOp.Create ? null : w.PrevValue));
            w.Result = new WriteResult(WriteStatus.Ok, revision);
        }

        if (_rows.Count > 0)
        {
            try
            {
                _backend.Append(_rows);
                Interlocked.Increment(ref _transactions);
            }
            catch (Exception e)
            {
                Undo();
                if (batch.Count > 1 && e is LogConflictException)
                {
                    // The database disagrees with the index (it should not): decide each write alone.
                    LogBatchConflict(_logger, e);
                    foreach (var w in batch.ToArray())
                    {
                        Commit([w]);
                    }

                    return;
                }

                foreach (var w in batch)
                {
                    if (e is LogConflictException)
                    {
                        w.TrySetResult(new WriteResult(WriteStatus.Conflict, 0));
                    }
                    else
                    {
                        w.TrySetException(e);
                    }
                }

                if (e is not LogConflictException)
                {
                    LogAppendFailed(_logger, e);
                }

                return;
            }

            Volatile.Write(ref _currentRevision, revision);
            _broadcaster.Publish(_rows);
        }

        foreach (var w in batch)
        {
            w.TrySetResult(w.Result);
        }
    }

    private void Undo()
    {
        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            var (key, existed, previous) = _undo[i];
            if (existed)
            {
                _index[key] = previous;
            }
            else
            {
                _index.Remove(key);
            }
        }

        _undo.Clear();
    }

    private void Compact(PendingWrite w)
    {
        var to = Math.Min(w.ExpectedRevision, _currentRevision);
        var from = _compactRevision;
        if (to <= from)
        {
            w.TrySetResult(new WriteResult(WriteStatus.Ok, from));
            return;
        }

        try
        {
            var removed = 0;
            // In steps, so writers queued behind a large compaction wait for one step at most.
            const long Step = 10_000;
            for (var start = from; start < to; start += Step)
            {
                var end = Math.Min(start + Step, to);
                removed += _backend.Compact(start, end);
                Volatile.Write(ref _compactRevision, end);
            }

            // Tombstones at or below the compact revision are gone from the database; forget them here too.
            List<string>? forget = null;
            foreach (var (key, state) in _index)
            {
                if (state.Deleted && state.Revision <= to)
                {
                    (forget ??= []).Add(key);
                }
            }

            forget?.ForEach(k => _index.Remove(k));
            LogCompacted(_logger, to, removed);
            w.TrySetResult(new WriteResult(WriteStatus.Ok, to));
        }
        catch (Exception e)
        {
            LogCompactFailed(_logger, e);
            w.TrySetException(e);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Store batch rejected by the database's unique index; retrying its writes one by one")]
    private static partial void LogBatchConflict(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Store append failed")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Store compacted to revision {Revision}, {Removed} rows removed")]
    private static partial void LogCompacted(ILogger logger, long revision, int removed);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Store compaction failed")]
    private static partial void LogCompactFailed(ILogger logger, Exception exception);

    /// <summary>A queued write and its completion (one allocation per write).</summary>
    private sealed class PendingWrite(LogOp op, string key, byte[] value, long expectedRevision, byte[]? prevValue)
        : TaskCompletionSource<WriteResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LogOp Op { get; } = op;

        public string Key { get; } = key;

        public byte[] Value { get; } = value;

        public long ExpectedRevision { get; } = expectedRevision;

        public byte[]? PrevValue { get; } = prevValue;

        public WriteResult Result { get; set; }
    }
}
