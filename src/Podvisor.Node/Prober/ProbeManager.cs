using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;
using Podvisor.Runtime;

namespace Podvisor.Node.Prober;

/// <summary>
/// Owns one <see cref="ProbeWorker"/> per (pod UID, container, probe type) and the cache of published results.
/// All methods return immediately and are safe to call concurrently. Consumers read <see cref="Updates"/>;
/// nothing needs to poll.
/// </summary>
public sealed partial class ProbeManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ProbeKey, ProbeWorker> _workers = new();
    private readonly ProbeResultsCache _results;
    private readonly ProbeWorkerContext _context;
    private readonly SharedTimers _timers;
    private readonly ProbeManagerOptions _options;
    private readonly ILogger<ProbeManager> _logger;
    private readonly Func<double> _jitter;
    private int _disposed;

    public ProbeManager(
        IContainerRuntime runtime,
        IPodStatusSource statusSource,
        IEventRecorder events,
        TimeProvider time,
        ILogger<ProbeManager> logger,
        ProbeManagerOptions? options = null)
        : this(new ProbeDispatcher(runtime, time, (options ?? new()).KubeVersion), statusSource, events, time, logger, options)
    {
    }

    internal ProbeManager(
        IProbeRunner runner,
        IPodStatusSource statusSource,
        IEventRecorder events,
        TimeProvider time,
        ILogger<ProbeManager> logger,
        ProbeManagerOptions? options = null)
    {
        _options = options ?? new ProbeManagerOptions();
        _options.Validate();
        _logger = logger;
        _results = new ProbeResultsCache(_options.UpdatesCapacity, count => LogUpdatesFull(_logger, count));
        _timers = new SharedTimers(time);
        _context = new ProbeWorkerContext(statusSource, runner, _results, events, time, _timers, logger, _options.TickAlignment);
        _jitter = _options.JitterSource ?? Random.Shared.NextDouble;
    }

    /// <summary>
    /// Every change of a published result, in the order workers published them. Bounded
    /// (<see cref="ProbeManagerOptions.UpdatesCapacity"/>) with <see cref="BoundedChannelFullMode.Wait"/>: when the
    /// consumer falls behind, probe workers wait for room (and a warning is logged) — no change is dropped.
    /// Completed by <see cref="DisposeAsync"/>.
    /// </summary>
    public ChannelReader<ProbeResultUpdate> Updates => _results.Updates;

    /// <summary>Number of running workers (diagnostics and tests).</summary>
    public int WorkerCount => _workers.Count;

    /// <summary>
    /// Starts a worker for every probe of every container, including sidecars (init containers with
    /// restartPolicy Always). Idempotent: existing workers are kept; call again after a worker exited on its own
    /// (e.g. after a terminal phase) to start it again.
    /// </summary>
    public void AddPod(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var uid = pod.Metadata.Uid ?? throw new ArgumentException("pod has no metadata.uid", nameof(pod));
        if (pod.Spec is not { } spec)
        {
            return;
        }

        foreach (var c in spec.InitContainers ?? [])
        {
            if (c.RestartPolicy == "Always")
            {
                AddContainer(pod, uid, c, isInitContainer: true);
            }
        }

        foreach (var c in spec.Containers)
        {
            AddContainer(pod, uid, c, isInitContainer: false);
        }
    }

    /// <summary>Stops every worker of the pod; their results are forgotten once they have exited.</summary>
    public void RemovePod(string podUid)
    {
        foreach (var (key, worker) in _workers)
        {
            if (key.PodUid == podUid && _workers.TryRemove(new KeyValuePair<ProbeKey, ProbeWorker>(key, worker)))
            {
                worker.Stop();
            }
        }
    }

    /// <summary>
    /// The published result for a container instance (ID with or without its <c>runtime://</c> prefix). Before the
    /// first result: readiness Failure, liveness Success, startup Unknown (SPEC §1.3.3).
    /// </summary>
    public ProbeResult GetResult(string containerId, ProbeType type)
    {
        if (_results.TryGet(containerId, type, out var result))
        {
            return result;
        }

        return type switch
        {
            ProbeType.Readiness => ProbeResult.Failure,
            ProbeType.Liveness => ProbeResult.Success,
            _ => ProbeResult.Unknown,
        };
    }

    /// <summary>True when a worker runs for this probe (i.e. the container has such a probe).</summary>
    public bool HasProbe(string podUid, string containerName, ProbeType type) =>
        _workers.ContainsKey(new ProbeKey(podUid, containerName, type));

    /// <summary>
    /// Runs the container's readiness probe now and restarts its period (SPEC §1.3.10): the pod worker calls this
    /// when a started container has no readiness result yet. No-op without a readiness worker. Never blocks.
    /// </summary>
    public void TriggerReadiness(string podUid, string containerName)
    {
        if (_workers.TryGetValue(new ProbeKey(podUid, containerName, ProbeType.Readiness), out var worker))
        {
            worker.Trigger();
        }
    }

    /// <summary>Stops all workers, waits for them to exit and completes <see cref="Updates"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var stopping = new List<Task>();
        foreach (var (key, worker) in _workers)
        {
            if (_workers.TryRemove(new KeyValuePair<ProbeKey, ProbeWorker>(key, worker)))
            {
                worker.Stop();
                stopping.Add(worker.Completion);
            }
        }

        await Task.WhenAll(stopping);
        _timers.Dispose();
        _results.Complete();
    }

    private void AddContainer(Pod pod, string uid, Container container, bool isInitContainer)
    {
        AddWorker(pod, uid, container, isInitContainer, ProbeType.Startup, container.StartupProbe);
        AddWorker(pod, uid, container, isInitContainer, ProbeType.Liveness, container.LivenessProbe);
        AddWorker(pod, uid, container, isInitContainer, ProbeType.Readiness, container.ReadinessProbe);
    }

    private void AddWorker(Pod pod, string uid, Container container, bool isInitContainer, ProbeType type, Probe? probe)
    {
        if (probe is null)
        {
            return;
        }

        var key = new ProbeKey(uid, container.Name, type);
        if (_workers.ContainsKey(key))
        {
            return;
        }

        var worker = new ProbeWorker(key, pod, container, isInitContainer, probe, _context);
        if (!_workers.TryAdd(key, worker))
        {
            return;
        }

        worker.Start(Jitter(worker.Period), OnWorkerExited);
        LogWorkerStarted(_logger, pod.Metadata.Name, pod.Metadata.Namespace, container.Name, type);
    }

    /// <summary>A random part of the period, only if the node agent started less than one period ago (SPEC §1.3.2).</summary>
    private TimeSpan Jitter(TimeSpan period)
    {
        if (_options.KubeletStartedAt is not { } started || _context.Time.GetUtcNow() - started >= period)
        {
            return TimeSpan.Zero;
        }

        return period * _jitter();
    }

    private void OnWorkerExited(ProbeWorker worker) =>
        _workers.TryRemove(new KeyValuePair<ProbeKey, ProbeWorker>(worker.Key, worker));
}
