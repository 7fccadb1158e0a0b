using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Model.Serialization;
using Podvisor.Node.Prober;

namespace Podvisor.Node.Status;

/// <summary>
/// Owns the status the node agent reports for each of its pods. Pod workers publish <see cref="PodRuntimeView"/>s;
/// the manager turns them into API statuses (<see cref="PodStatusGenerator"/>), keeps terminal phases sticky, and
/// one background writer sends changed statuses through the status subresource, coalescing bursts: only the latest
/// status of a pod is ever written, and an unchanged one is never written. Conflicts are retried with a fresh get.
/// </summary>
public sealed class StatusManager : IPodStatusSource, IAsyncDisposable
{
    private const int WriteParallelism = 8;

    private readonly IPodvisorClient _client;
    private readonly IProbeResults _probes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Lock _startLock = new();
    private CancellationTokenSource? _cts;
    private Task? _loop;

    public StatusManager(IPodvisorClient client, IProbeResults probes, TimeProvider time, ILogger<StatusManager> logger)
    {
        _client = client;
        _probes = probes;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised (synchronously, outside locks) after a pod's computed status changed.</summary>
    public event Action<string>? StatusChanged;

    public void Start()
    {
        lock (_startLock)
        {
            if (_loop is not null)
            {
                return;
            }

            _cts = new CancellationTokenSource();
            _loop = Task.Run(() => RunAsync(_cts.Token));
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        Task? loop;
        lock (_startLock)
        {
            loop = _loop;
            _cts?.Cancel();
        }

        if (loop is not null)
        {
            await loop.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _cts?.Dispose();
    }

    /// <summary>The latest API object of a pod (from the watch or a write). Keeps the newest resourceVersion.</summary>
    public void UpdatePodObject(Pod pod)
    {
        var uid = PodFormat.Uid(pod);
        var entry = _pods.GetOrAdd(uid, _ => new Entry(pod));
        lock (entry)
        {
            if (IsNewer(pod, entry.Pod))
            {
                entry.Pod = pod;
            }

            entry.Status ??= pod.Status;
        }
    }

    /// <summary>Recomputes the pod's status from the worker's view; queues a write if it changed. Returns immediately.</summary>
    public PodStatus SetRuntimeView(Pod pod, PodRuntimeView view)
    {
        var uid = PodFormat.Uid(pod);
        var entry = _pods.GetOrAdd(uid, _ => new Entry(pod));
        PodStatus status;
        bool changed;
        lock (entry)
        {
            if (IsNewer(pod, entry.Pod))
            {
                entry.Pod = pod;
            }

            entry.View = view;
            (status, changed) = Recompute(entry);
        }

        if (changed)
        {
            MarkDirty(uid);
        }

        return status;
    }

    /// <summary>A probe result changed (readiness, startup): recompute from the last view.</summary>
    public void ProbeResultChanged(string podUid)
    {
        if (!_pods.TryGetValue(podUid, out var entry))
        {
            return;
        }

        bool changed;
        lock (entry)
        {
            if (entry.View is null)
            {
                return;
            }

            (_, changed) = Recompute(entry);
        }

        if (changed)
        {
            MarkDirty(podUid);
        }
    }

    /// <summary>The pod and the status the agent currently computes for it (what probers look at); null if unknown.</summary>
    public (Pod Pod, PodStatus Status)? GetPodAndStatus(string podUid)
    {
        if (!_pods.TryGetValue(podUid, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return entry.Status is null ? null : (entry.Pod, entry.Status);
        }
    }

    public PodStatus? GetStatus(string podUid) => GetPodAndStatus(podUid)?.Status;

    /// <summary>For the prober: the pod and its computed status; null before the worker published anything.</summary>
    public PodSnapshot? GetSnapshot(string podUid)
    {
        if (!_pods.TryGetValue(podUid, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return entry.View is null || entry.Status is null ? null : new PodSnapshot(entry.Pod, entry.Status);
        }
    }

    /// <summary>Writes the pod's status now if it differs from what was written (used before the final delete).</summary>
    public async Task FlushAsync(string podUid, CancellationToken ct)
    {
        _dirty.TryRemove(podUid, out _);
        await WriteAsync(podUid, ct).ConfigureAwait(false);
    }

    public void RemovePod(string podUid)
    {
        _pods.TryRemove(podUid, out _);
        _dirty.TryRemove(podUid, out _);
    }

    private (PodStatus Status, bool Changed) Recompute(Entry entry)
    {
        var previous = entry.Status ?? entry.Pod.Status;
        var status = PodStatusGenerator.Generate(entry.Pod, entry.View!, _probes, previous, _time.GetUtcNow());
        var json = KubeJson.Serialize(new Pod { Status = status });
        if (json == entry.ComputedJson)
        {
            return (entry.Status!, false);
        }

        entry.Status = status;
        entry.ComputedJson = json;
        return (status, true);
    }

    private void MarkDirty(string uid)
    {
        _dirty[uid] = 0;
        _wake.Writer.TryWrite(true);
        StatusChanged?.Invoke(uid);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                var batch = new List<string>();
                foreach (var uid in _dirty.Keys)
                {
                    if (_dirty.TryRemove(uid, out _))
                    {
                        batch.Add(uid);
                    }
                }

                await Parallel.ForEachAsync(
                    batch,
                    new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = ct },
                    async (uid, token) => await WriteAsync(uid, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(string uid, CancellationToken ct)
    {
        if (!_pods.TryGetValue(uid, out var entry))
        {
            return;
        }

        await entry.WriteGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                Pod pod;
                PodStatus? status;
                string? json;
                lock (entry)
                {
                    pod = entry.Pod;
                    status = entry.Status;
                    json = entry.ComputedJson;
                }

                if (status is null || json == entry.WrittenJson)
                {
                    return;
                }

                if (PodPhaseCalculator.IsTerminal(pod.Status?.Phase) && pod.Status!.Phase != status.Phase)
                {
                    status = status with { Phase = pod.Status.Phase };
                }

                try
                {
                    var written = await _client.Pods.UpdateStatusAsync(pod with { Status = status }, ct).ConfigureAwait(false);
                    entry.WrittenJson = json;
                    UpdatePodObject(written);
                    return;
                }
                catch (ApiException ex) when (ex.IsConflict)
                {
                    var fresh = await _client.Pods.GetAsync(pod.Metadata.Namespace, pod.Metadata.Name!, ct).ConfigureAwait(false);
                    if (fresh is null || fresh.Metadata.Uid != uid)
                    {
                        return;
                    }

                    UpdatePodObject(fresh);
                }
                catch (ApiException ex) when (ex.IsNotFound)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Writing status of pod {Pod} failed", uid);
            _dirty[uid] = 0;
        }
        finally
        {
            entry.WriteGate.Release();
        }
    }

    private static bool IsNewer(Pod candidate, Pod current)
    {
        if (ReferenceEquals(candidate, current))
        {
            return false;
        }

        if (long.TryParse(candidate.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            && long.TryParse(current.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
        {
            return a >= b;
        }

        return true;
    }

    private sealed class Entry(Pod pod)
    {
        public Pod Pod { get; set; } = pod;

        public PodRuntimeView? View { get; set; }

        public PodStatus? Status { get; set; }

        public string? ComputedJson { get; set; }

        public string? WrittenJson { get; set; }

        public SemaphoreSlim WriteGate { get; } = new(1, 1);
    }
}
