namespace Podvisor.Runtime.Process;

/// <summary>
/// Shares full /proc scans between concurrent callers: a request joins the scan that has not started yet, or
/// queues one behind the running scan, so every caller sees a table read after it asked, and stopping 500
/// containers at once costs a few scans instead of 500 (without /proc/&lt;pid&gt;/task/*/children, which kernels
/// built without CONFIG_PROC_CHILDREN lack, a scan is the only way to find a process's children).
/// </summary>
internal sealed class ProcessTableScanner
{
    private readonly object _sync = new();
    private Task<List<ProcStat>>? _current;
    private Task<List<ProcStat>>? _pending;

    public Task<List<ProcStat>> ScanAsync()
    {
        lock (_sync)
        {
            if (_pending is not null)
            {
                return _pending;
            }

            var previous = _current;
            var next = new TaskCompletionSource<List<ProcStat>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending = next.Task;
            _ = RunAfterAsync(previous, next);
            return next.Task;
        }
    }

    private async Task RunAfterAsync(Task? previous, TaskCompletionSource<List<ProcStat>> next)
    {
        if (previous is not null)
        {
            await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        else
        {
            await Task.Yield();
        }

        lock (_sync)
        {
            _pending = null;
            _current = next.Task;
        }

        try
        {
            next.SetResult(ProcFs.LiveProcesses());
        }
        catch (Exception ex)
        {
            next.SetException(ex);
        }
    }
}
