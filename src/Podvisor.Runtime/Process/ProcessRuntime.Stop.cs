using Podvisor.Runtime.Process.Native;

namespace Podvisor.Runtime.Process;

public sealed partial class ProcessRuntime
{
    public async Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken ct)
    {
        var entry = Get(containerId);
        await entry.Gate.WaitAsync(ct);
        try
        {
            var record = entry.Record;
            if (record.State == ContainerRunState.Created)
            {
                lock (entry.Sync)
                {
                    entry.Record = entry.Record with
                    {
                        State = ContainerRunState.Exited,
                        ExitCode = 0,
                        Reason = "Completed",
                        FinishedAt = _time.GetUtcNow(),
                    };
                    Persist(entry);
                }

                entry.Exited.TrySetResult(entry.ToStatus());
                return;
            }

            if (record.Pid is not { } pid)
            {
                return;
            }

            // Snapshot before signalling: a descendant that left the session is only found through its parent.
            var tracked = new HashSet<(int Pid, ulong StartTime)>();
            if (record.State == ContainerRunState.Running)
            {
                foreach (var p in ProcFs.LiveContainerProcesses(await _scanner.ScanAsync(), pid))
                {
                    tracked.Add((p.Pid, p.StartTime));
                }

                SignalGroup(entry, _options.StopSignal);
                SignalEscaped(pid, tracked, _options.StopSignal);
                try
                {
                    await entry.Exited.Task.WaitAsync(timeout, _time, ct);
                }
                catch (TimeoutException)
                {
                    SignalGroup(entry, LibC.SIGKILL);
                    await entry.Exited.Task.WaitAsync(ct);
                }
            }

            await WaitGroupGoneAsync(pid, tracked, ct);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static void SignalGroup(ContainerEntry entry, int signal)
    {
        lock (entry.Sync)
        {
            if (!entry.Reaped && entry.Record.Pid is { } pid)
            {
                LibC.kill(-pid, signal);
            }
        }
    }

    /// <summary>Signals tracked descendants outside the container's process group, checking their start time.</summary>
    private static void SignalEscaped(int session, HashSet<(int Pid, ulong StartTime)> tracked, int signal)
    {
        foreach (var (pid, startTime) in tracked)
        {
            if (pid != session && ProcFs.ReadStat(pid) is { } stat && stat.StartTime == startTime && stat.ProcessGroup != session)
            {
                LibC.kill(pid, signal);
            }
        }
    }

    /// <summary>
    /// Waits until no live process of the container's session (or a tracked descendant that left it) remains,
    /// SIGKILLing stragglers. Zombies count as gone: they run nothing and only their parent can reap them.
    /// </summary>
    private async Task WaitGroupGoneAsync(int session, HashSet<(int Pid, ulong StartTime)> tracked, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            // Fast path without a scan: the group is gone and so is every tracked descendant.
            if (LibC.kill(-session, 0) != 0 && LibC.Errno == LibC.ESRCH
                && tracked.All(t => ProcFs.ReadStat(t.Pid) is not { } s || s.StartTime != t.StartTime || s.IsZombie))
            {
                return;
            }

            var live = ProcFs.LiveContainerProcesses(await _scanner.ScanAsync(), session, tracked);
            if (live.Count == 0)
            {
                return;
            }

            foreach (var p in live)
            {
                tracked.Add((p.Pid, p.StartTime));
                LibC.kill(p.Pid, LibC.SIGKILL);
            }

            if (_time.GetElapsedTime(started) > _options.GroupExitWait)
            {
                LogStragglers(_logger, session, live.Count);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, ct);
        }
    }
}
