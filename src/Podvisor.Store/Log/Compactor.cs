using Microsoft.Extensions.Logging;

namespace Podvisor.Store.Log;

/// <summary>
/// Background compaction: every <see cref="StoreOptions.CompactionInterval"/> it compacts up to the revision that
/// was current at the previous tick (so history younger than one interval is kept), but never into the newest
/// <see cref="StoreOptions.CompactionRetainRevisions"/> revisions. The compaction itself runs on the writer thread.
/// </summary>
internal sealed partial class Compactor : IAsyncDisposable
{
    private readonly LogStore _log;
    private readonly StoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _task;
    private int _completedTicks;

    public Compactor(LogStore log, StoreOptions options, TimeProvider time, ILogger logger)
    {
        _log = log;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Idempotent. The first tick's "previous" revision is the one current now, not whenever the loop first runs.</summary>
    public void Start() => _task ??= RunAsync(_log.CurrentRevision, _stop.Token);

    /// <summary>One decision: the revision to compact to, given the revision current at the previous tick.</summary>
    internal long Target(long revisionAtPreviousTick) =>
        Math.Min(revisionAtPreviousTick, _log.CurrentRevision - _options.CompactionRetainRevisions);

    /// <summary>Ticks fully handled so far (lets a test on fake time wait for one).</summary>
    internal int CompletedTicks => Volatile.Read(ref _completedTicks);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_task is not null)
        {
            await _task;
        }

        _stop.Dispose();
    }

    private async Task RunAsync(long previous, CancellationToken ct)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(_options.CompactionInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var target = Target(previous);
                previous = _log.CurrentRevision;
                if (target > _log.CompactRevision)
                {
                    try
                    {
                        await _log.CompactAsync(target, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogFailed(_logger, e);
                    }
                }

                Interlocked.Increment(ref _completedTicks);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Background compaction failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
