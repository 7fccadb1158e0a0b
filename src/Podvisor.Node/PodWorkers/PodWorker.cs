using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Status;
using Podvisor.Runtime;

namespace Podvisor.Node.PodWorkers;

/// <summary>Where a pod worker is in its pod's life (the kubelet's pod_workers states).</summary>
public enum PodWorkerPhase
{
    /// <summary>Starting and restarting containers toward the spec.</summary>
    Syncing,

    /// <summary>Killing every container (deleted, or finished); nothing is started any more.</summary>
    Terminating,

    /// <summary>All containers stopped and the terminal status written; waits for the API object to go.</summary>
    Terminated,
}

/// <summary>
/// One per pod: drives its containers through SyncPod, restarts, kills and termination, in one loop that owns all
/// of the pod's mutable state. Inputs arrive through a latest-wins inbox (capacity 1, DropOldest): a pod update only
/// replaces the pending one and wakes the loop; container exits, probe results and back-off timers wake it too.
/// A sync is cancelled as soon as the pod is deleted, so a blocking postStart never delays termination.
/// </summary>
public sealed partial class PodWorker : IAsyncDisposable
{
    private readonly PodWorkerContext _ctx;
    private readonly Channel<bool> _inbox = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentQueue<ProbeResultUpdate> _probeResults = new();
    private readonly List<ContainerSlot> _init = [];
    private readonly List<ContainerSlot> _regular = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<ContainerStatusInfo> _adopted;
    private Pod _latest;
    private bool _objectGone;
    private CancellationTokenSource? _lifetime;
    private bool _disposed;
    private CancellationTokenSource? _syncCts;
    private Task? _loop;
    private ITimer? _retryTimer;
    private string? _sandboxId;
    private string? _podIp;
    private string? _hostIp;
    private DateTimeOffset? _startTime;
    private bool _sandboxReady;
    private bool _podIsTerminal;
    private long? _terminationGrace;

    public PodWorker(PodWorkerContext ctx, Pod pod, IReadOnlyList<ContainerStatusInfo>? adopted = null)
    {
        _ctx = ctx;
        _latest = pod;
        _adopted = adopted ?? [];
        foreach (var c in pod.Spec?.InitContainers ?? [])
        {
            _init.Add(new ContainerSlot(c, PodFormat.IsSidecar(c) ? ContainerKind.Sidecar : ContainerKind.Init));
        }

        foreach (var c in pod.Spec?.Containers ?? [])
        {
            _regular.Add(new ContainerSlot(c, ContainerKind.Regular));
        }
    }

    public string PodUid => PodFormat.Uid(_latest);

    public PodWorkerPhase Phase { get; private set; } = PodWorkerPhase.Syncing;

    /// <summary>Completes when the worker is done for good: pod terminated, object gone, runtime resources removed.</summary>
    public Task Completion => _completed.Task;

    /// <summary>Idempotent.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_loop is not null)
            {
                return;
            }

            _lifetime = new CancellationTokenSource();
            _ctx.Status.UpdatePodObject(_latest);
            _ctx.Probes.AddPod(_latest);
            _loop = Task.Run(() => RunAsync(_lifetime.Token));
        }

        Wake();
    }

    /// <summary>Stops the loop without touching containers (agent shutdown: the next agent adopts them).</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
            if (!_disposed)
            {
                _lifetime?.Cancel();
            }
        }

        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }

        _retryTimer?.Dispose();
    }

    /// <summary>
    /// Idempotent, and safe beside <see cref="StopAsync"/>: the agent's shutdown may stop a worker that its own
    /// completion is disposing at the same moment.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _lifetime?.Dispose();
        }
    }

    /// <summary>A newer version of the pod object. Latest wins; a deletion cancels a running sync at once.</summary>
    public void Update(Pod pod)
    {
        lock (_lock)
        {
            _latest = pod;
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                _syncCts?.Cancel();
            }
        }

        _ctx.Status.UpdatePodObject(pod);
        Wake();
    }

    /// <summary>The API object is gone (deleted with grace 0, or force-deleted).</summary>
    public void ObjectDeleted()
    {
        lock (_lock)
        {
            _objectGone = true;
            _syncCts?.Cancel();
        }

        Wake();
    }

    /// <summary>A published probe result for one of this pod's containers. Returns immediately.</summary>
    public void OnProbeResult(ProbeResultUpdate update)
    {
        _probeResults.Enqueue(update);
        Wake();
    }

    private void Wake() => _inbox.Writer.TryWrite(true);

    private void WakeAfter(TimeSpan delay)
    {
        var timer = _ctx.Time.CreateTimer(static s => ((PodWorker)s!).Wake(), this, delay, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _retryTimer, timer)?.Dispose();
    }

    private (Pod Pod, bool Gone) Latest()
    {
        lock (_lock)
        {
            return (_latest, _objectGone);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            AdoptContainers();
            if (PodPhaseCalculator.IsTerminal(_latest.Status?.Phase))
            {
                Phase = PodWorkerPhase.Terminating;
            }

            while (await _inbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _inbox.Reader.TryRead(out _);
                var (pod, gone) = Latest();
                switch (Phase)
                {
                    case PodWorkerPhase.Syncing:
                        if (gone || pod.Metadata.DeletionTimestamp is not null)
                        {
                            Phase = PodWorkerPhase.Terminating;
                            Wake();
                            break;
                        }

                        if (await SyncOnceAsync(pod, ct).ConfigureAwait(false))
                        {
                            Phase = PodWorkerPhase.Terminating;
                            Wake();
                        }

                        break;
                    case PodWorkerPhase.Terminating:
                        await TerminateAsync(ct).ConfigureAwait(false);
                        Phase = PodWorkerPhase.Terminated;
                        Wake();
                        break;
                    case PodWorkerPhase.Terminated:
                        if (await FinishAsync(pod, gone, ct).ConfigureAwait(false))
                        {
                            _completed.TrySetResult();
                            return;
                        }

                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _ctx.Logger.LogError(ex, "Pod worker for {Pod} failed", PodFormat.Key(_latest));
            _completed.TrySetException(ex);
        }
    }

    /// <summary>One SyncPod under a token the next deletion cancels. True when the pod is finished (nothing will restart).</summary>
    private async Task<bool> SyncOnceAsync(Pod pod, CancellationToken ct)
    {
        using var syncCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        lock (_lock)
        {
            _syncCts = syncCts;
            if (_objectGone || _latest.Metadata.DeletionTimestamp is not null)
            {
                syncCts.Cancel();
            }
        }

        try
        {
            return await SyncPodAsync(pod, syncCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (syncCts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            Wake();
            return false;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _ctx.Logger.LogWarning(ex, "Sync of pod {Pod} failed; retrying", PodFormat.Key(pod));
            _ctx.Events.Record(PodEvents.Reference(pod), PodEvents.Warning, PodEvents.FailedSync, $"error determining status: {ex.Message}");
            WakeAfter(_ctx.SyncRetryDelay);
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _syncCts = null;
            }

            Publish();
        }
    }

    /// <summary>Builds the runtime view from the slots and hands it to the status manager.</summary>
    private PodStatus Publish()
    {
        var pod = Latest().Pod;
        var hasInit = _init.Count > 0;
        var view = new PodRuntimeView
        {
            SandboxReady = _sandboxReady,
            PodIp = _podIp,
            HostIp = _hostIp,
            StartTime = _startTime,
            InitContainerStatuses = _init.Select(s => s.ToStatus(_ctx.Runtime.Name, hasInit)).ToList(),
            ContainerStatuses = _regular.Select(s => s.ToStatus(_ctx.Runtime.Name, hasInit)).ToList(),
            PodIsTerminal = _podIsTerminal,
            PostStartDone = _init.Concat(_regular).Where(s => s.Running && s.PostStartDone).Select(s => s.Name).ToHashSet(StringComparer.Ordinal),
        };
        return _ctx.Status.SetRuntimeView(pod, view);
    }

    /// <summary>Matches containers an earlier agent left in the runtime to this pod's slots (latest instance wins).</summary>
    private void AdoptContainers()
    {
        var apiStatus = _latest.Status;
        foreach (var slot in _init.Concat(_regular))
        {
            var instances = _adopted
                .Where(c => c.Labels.TryGetValue(ContainerLabels.ContainerName, out var n) && n == slot.Name)
                .OrderBy(c => ContainerLabels.RestartCountOf(c.Labels))
                .ThenBy(c => c.CreatedAt)
                .ToList();
            var previousStatus = PodPhaseCalculator.Find(slot.Kind == ContainerKind.Regular ? apiStatus?.ContainerStatuses : apiStatus?.InitContainerStatuses, slot.Name);
            if (instances.Count == 0)
            {
                if (previousStatus is { ContainerID: not null })
                {
                    // Known to the API but gone from the runtime (SPEC §3.3.8).
                    slot.Attempt = previousStatus.RestartCount;
                    slot.LastTerminated = previousStatus.LastState?.Terminated;
                    slot.ContainerId = PodStatusGenerator.StripScheme(previousStatus.ContainerID);
                    slot.Terminated = previousStatus.State?.Terminated ?? new ContainerStateTerminated
                    {
                        ExitCode = 137,
                        Reason = "ContainerStatusUnknown",
                        Message = "The container could not be located when the pod was deleted.  The container used to be Running",
                        ContainerID = previousStatus.ContainerID,
                    };
                }

                continue;
            }

            var latest = instances[^1];
            _sandboxId ??= latest.SandboxId;
            slot.ContainerId = latest.Id;
            slot.Attempt = Math.Max(ContainerLabels.RestartCountOf(latest.Labels), previousStatus?.RestartCount ?? 0);
            if (instances.Count > 1)
            {
                slot.LastTerminated = ToTerminated(instances[^2]);
            }
            else if (previousStatus?.LastState?.Terminated is { } last)
            {
                slot.LastTerminated = last;
            }

            if (latest.State == ContainerRunState.Running)
            {
                slot.Running = true;
                slot.PostStartDone = true;
                slot.StartedAt = latest.StartedAt;
                slot.ExitTask = WatchExit(latest.Id);
            }
            else if (latest.State == ContainerRunState.Exited)
            {
                slot.Terminated = ToTerminated(latest);
            }
        }

        if (_sandboxId is not null)
        {
            _sandboxReady = true;
            _podIp = _latest.Status?.PodIP ?? _ctx.NodeIp;
            _hostIp = _latest.Status?.HostIP ?? _ctx.NodeIp;
            _startTime = _latest.Status?.StartTime ?? _ctx.Time.GetUtcNow();
        }

        _adopted = [];
        Publish();
    }

    private Task<ContainerStatusInfo> WatchExit(string containerId)
    {
        var task = _ctx.Runtime.WaitContainerExitAsync(containerId, _lifetime!.Token);
        task.ContinueWith(static (_, s) => ((PodWorker)s!).Wake(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private ContainerStateTerminated ToTerminated(ContainerStatusInfo info) => new()
    {
        ExitCode = info.ExitCode ?? 137,
        Reason = info.Reason ?? (info.ExitCode == 0 ? "Completed" : "Error"),
        Message = info.Message,
        StartedAt = info.StartedAt,
        FinishedAt = info.FinishedAt ?? _ctx.Time.GetUtcNow(),
        ContainerID = $"{_ctx.Runtime.Name}://{info.Id}",
    };

    /// <summary>Picks up container exits the runtime reported since the last step.</summary>
    private void CollectExits()
    {
        foreach (var slot in _init.Concat(_regular))
        {
            if (!slot.Running || slot.ExitTask is not { IsCompleted: true } exit)
            {
                continue;
            }

            slot.Running = false;
            if (exit.IsCompletedSuccessfully)
            {
                slot.Terminated = ToTerminated(exit.Result);
            }
            else
            {
                slot.Terminated = new ContainerStateTerminated
                {
                    ExitCode = 137,
                    Reason = "ContainerStatusUnknown",
                    Message = "The container could not be located when the pod was terminated.  The container used to be Running",
                    StartedAt = slot.StartedAt,
                    FinishedAt = _ctx.Time.GetUtcNow(),
                    ContainerID = slot.StatusContainerId(_ctx.Runtime.Name),
                };
            }
        }
    }
}
