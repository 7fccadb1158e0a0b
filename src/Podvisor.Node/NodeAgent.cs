using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Node.Lifecycle;
using Podvisor.Node.PodWorkers;
using Podvisor.Node.Prober;
using Podvisor.Node.Restart;
using Podvisor.Node.Status;
using Podvisor.Runtime;

namespace Podvisor.Node;

/// <summary>
/// The node agent (the kubelet's job): registers the Node, watches the pods bound to it and gives each its
/// <see cref="PodWorker"/>, routes probe results, and writes pod status through <see cref="StatusManager"/>. At start
/// it adopts what the runtime still runs from an earlier agent (containers keep running and keep their restart
/// counts) and removes containers whose pod is gone. <see cref="StopAsync"/> leaves every container running, as
/// the kubelet does on shutdown.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable
{
    private readonly NodeAgentOptions _options;
    private readonly IPodvisorClient _client;
    private readonly IContainerRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LateProbeResults _probeResults = new();
    private readonly Func<StatusManager, IPodProbes>? _probesFactory;
    private readonly PodWorkerContext _context;
    private readonly NodeRegistration _registration;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private CancellationTokenSource? _cts;
    private readonly List<Task> _loops = [];
    private IReadOnlyList<ContainerStatusInfo> _adoptable = [];
    private bool _started;

    /// <param name="probesFactory">Builds the prober over the agent's status manager (its IPodStatusSource); null = the real ProbeManager.</param>
    public NodeAgent(
        NodeAgentOptions options,
        IPodvisorClient client,
        IContainerRuntime runtime,
        IEventRecorder events,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        Func<StatusManager, IPodProbes>? probesFactory = null,
        ITerminationGate? terminationGate = null)
    {
        options.Validate();
        _options = options;
        _client = client;
        _runtime = runtime;
        _time = time;
        _logger = loggerFactory.CreateLogger<NodeAgent>();
        _probesFactory = probesFactory;
        Status = new StatusManager(client, _probeResults, time, loggerFactory.CreateLogger<StatusManager>());
        Probes = probesFactory?.Invoke(Status) ?? new ProbeManagerPodProbes(new ProbeManager(
            runtime,
            Status,
            events,
            time,
            loggerFactory.CreateLogger<ProbeManager>(),
            new ProbeManagerOptions { KubeletStartedAt = time.GetUtcNow() }));
        _probeResults.Target = Probes;
        _context = new PodWorkerContext
        {
            NodeName = options.NodeName,
            Runtime = runtime,
            Client = client,
            Events = events,
            Status = Status,
            Probes = Probes,
            Time = time,
            Logger = loggerFactory.CreateLogger<PodWorker>(),
            Hooks = new LifecycleHookRunner(runtime, events, time),
            BackOff = new CrashLoopBackOff(time, options.InitialRestartBackOff, options.MaxRestartBackOff),
            TerminationGate = terminationGate ?? NoTerminationGate.Instance,
            PodLogDirectory = options.PodLogDirectory,
            NodeIp = options.NodeIp,
        };
        _registration = new NodeRegistration(client, options, runtime.Name, time);
    }

    public string NodeName => _options.NodeName;

    public StatusManager Status { get; }

    public IPodProbes Probes { get; }

    /// <summary>Pod UIDs that currently have a worker.</summary>
    public IReadOnlyCollection<string> PodUids => _workers.Keys.ToList();

    public PodWorkerPhase? PhaseOf(string podUid) => _workers.TryGetValue(podUid, out var w) ? w.Phase : null;

    /// <summary>Registers the node, adopts runtime containers, starts watching pods. Idempotent.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _startGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            _cts = new CancellationTokenSource();
            await _registration.RegisterOrUpdateAsync(ct).ConfigureAwait(false);
            Status.Start();
            _adoptable = await _runtime.ListContainersAsync(ct).ConfigureAwait(false);
            var rv = await RelistAsync(adopting: true, ct).ConfigureAwait(false);
            await RemoveOrphansAsync(ct).ConfigureAwait(false);
            var token = _cts.Token;
            _loops.Add(Task.Run(() => WatchLoopAsync(rv, token), CancellationToken.None));
            _loops.Add(Task.Run(() => ProbeLoopAsync(token), CancellationToken.None));
            _loops.Add(Task.Run(() => HeartbeatLoopAsync(token), CancellationToken.None));
            _started = true;
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Stops watching and every worker; containers keep running for the next agent to adopt.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        await _startGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                return;
            }

            _started = false;
            _cts?.Cancel();
            try
            {
                await Task.WhenAll(_loops).WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            _loops.Clear();
            await Task.WhenAll(_workers.Values.Select(w => w.StopAsync(ct))).ConfigureAwait(false);
            foreach (var w in _workers.Values)
            {
                await w.DisposeAsync().ConfigureAwait(false);
            }

            _workers.Clear();
            await Status.StopAsync(ct).ConfigureAwait(false);
            if (Probes is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Status.DisposeAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }

    private string FieldSelector => $"spec.nodeName={_options.NodeName}";

    /// <summary>Lists this node's pods, dispatches each, and marks workers whose pod disappeared. Returns the list's resourceVersion.</summary>
    private async Task<string> RelistAsync(bool adopting, CancellationToken ct)
    {
        var list = await _client.Pods.ListAsync(null, new ClientListOptions { FieldSelector = FieldSelector }, ct).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in list.Items)
        {
            seen.Add(PodFormat.Uid(pod));
            Dispatch(pod);
        }

        foreach (var (uid, worker) in _workers)
        {
            if (!seen.Contains(uid))
            {
                worker.ObjectDeleted();
            }
        }

        if (adopting)
        {
            _adoptable = [];
        }

        return list.ResourceVersion;
    }

    private void Dispatch(Pod pod)
    {
        if (pod.Spec?.NodeName != _options.NodeName || pod.Metadata.Uid is not { } uid)
        {
            return;
        }

        if (_workers.TryGetValue(uid, out var existing))
        {
            existing.Update(pod);
            return;
        }

        var adopted = _adoptable.Where(c => c.Labels.TryGetValue(ContainerLabels.PodUid, out var u) && u == uid).ToList();
        var worker = new PodWorker(_context, pod, adopted);
        if (!_workers.TryAdd(uid, worker))
        {
            return;
        }

        worker.Completion.ContinueWith(
            _ =>
            {
                _workers.TryRemove(new KeyValuePair<string, PodWorker>(uid, worker));
                _ = worker.DisposeAsync().AsTask();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        worker.Start();
    }

    /// <summary>Containers (and their sandboxes) of pods that no longer exist: stopped with the minimal grace and removed.</summary>
    private async Task RemoveOrphansAsync(CancellationToken ct)
    {
        var containers = await _runtime.ListContainersAsync(ct).ConfigureAwait(false);
        var orphans = containers
            .Where(c => !c.Labels.TryGetValue(ContainerLabels.PodUid, out var uid) || !_workers.ContainsKey(uid))
            .ToList();
        await Task.WhenAll(orphans.Select(async c =>
        {
            try
            {
                _logger.LogInformation("Removing orphaned container {Container} ({Name})", c.Id, c.Labels.GetValueOrDefault(ContainerLabels.ContainerName));
                await _runtime.StopContainerAsync(c.Id, PodWorkers.GracePeriods.MinimumStopTimeout, ct).ConfigureAwait(false);
                await _runtime.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
            }
            catch (RuntimeException ex)
            {
                _logger.LogWarning(ex, "Removing orphaned container {Container} failed", c.Id);
            }
        })).ConfigureAwait(false);
        foreach (var sandbox in orphans.Select(c => c.SandboxId).Distinct())
        {
            if (containers.Any(c => c.SandboxId == sandbox && !orphans.Contains(c)))
            {
                continue;
            }

            try
            {
                await _runtime.RemovePodSandboxAsync(sandbox, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RuntimeException or IOException)
            {
                _logger.LogWarning(ex, "Removing orphaned sandbox {Sandbox} failed", sandbox);
            }
        }
    }

    private async Task WatchLoopAsync(string resourceVersion, CancellationToken ct)
    {
        var rv = resourceVersion;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _client.Pods.WatchAsync(null, new ClientWatchOptions { ResourceVersion = rv, FieldSelector = FieldSelector }, ct).ConfigureAwait(false))
                {
                    rv = ev.Object.Metadata.ResourceVersion ?? rv;
                    if (ev.Type == ResourceEventType.Deleted)
                    {
                        if (ev.Object.Metadata.Uid is { } uid && _workers.TryGetValue(uid, out var worker))
                        {
                            worker.ObjectDeleted();
                        }
                    }
                    else
                    {
                        Dispatch(ev.Object);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Pod watch failed; relisting");
                try
                {
                    await Task.Delay(_options.RelistDelay, _time, ct).ConfigureAwait(false);
                    rv = await RelistAsync(adopting: false, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception relistError)
                {
                    _logger.LogWarning(relistError, "Relisting pods failed");
                }
            }
        }
    }

    private async Task ProbeLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var update in Probes.Updates.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Status.ProbeResultChanged(update.Key.PodUid);
                if (_workers.TryGetValue(update.Key.PodUid, out var worker))
                {
                    worker.OnProbeResult(update);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.NodeStatusUpdateFrequency, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await _registration.RegisterOrUpdateAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Updating node status failed");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private sealed class LateProbeResults : IProbeResults
    {
        public IProbeResults? Target { get; set; }

        public bool? Readiness(string containerId) => Target?.Readiness(containerId);

        public bool? Startup(string containerId) => Target?.Startup(containerId);
    }
}
