using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Node.Prober.Runners;

namespace Podvisor.Node.Prober;

/// <summary>
/// Probes one container of one pod with one probe (the kubelet's prober worker). The loop in
/// <see cref="RunAsync"/> only waits for ticks; every decision is in <see cref="ProbeOnceAsync"/>, which owns all
/// mutable state and is never called concurrently with itself.
/// </summary>
internal sealed partial class ProbeWorker
{
    /// <summary>The kubelet retries a run that errored (not one that failed) up to this many times per tick.</summary>
    internal const int MaxProbeRetries = 3;

    private readonly Pod _pod;
    private readonly Container _container;
    private readonly bool _isInitContainer;
    private readonly Probe _probe;
    private readonly ProbeSettings _settings;
    private readonly ProbeResult _initialValue;
    private readonly ProbeWorkerContext _context;
    private readonly ObjectReference _reference;

    // Signalled by the period timer and by manual triggers; capacity 1 so ticks coalesce like Go's ticker channel.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;
    private int _manualTrigger;
    private Task _task = Task.CompletedTask;

    // Owned by ProbeOnceAsync.
    private string? _containerId;
    private string? _runtimeId;
    private bool _onHold;
    private bool _sawRunning;
    private ProbeResult _lastResult = ProbeResult.Unknown;
    private int _resultRun;

    public ProbeWorker(ProbeKey key, Pod pod, Container container, bool isInitContainer, Probe probe, ProbeWorkerContext context)
    {
        Key = key;
        _pod = pod;
        _container = container;
        _isInitContainer = isInitContainer;
        _probe = probe;
        _settings = ProbeSettings.From(probe);
        _context = context;
        _initialValue = key.Type switch
        {
            ProbeType.Readiness => ProbeResult.Failure,
            ProbeType.Liveness => ProbeResult.Success,
            _ => ProbeResult.Unknown,
        };
        _reference = ProbeEvents.ContainerReference(pod, container.Name, isInitContainer);
    }

    public ProbeKey Key { get; }

    public TimeSpan Period => _settings.Period;

    /// <summary>Completes when the loop has exited and the worker's result was removed.</summary>
    public Task Completion => _task;

    internal bool OnHold => _onHold;

    internal int ResultRun => _resultRun;

    internal string? ContainerId => _containerId;

    /// <summary>Starts the loop on the thread pool; <paramref name="jitter"/> delays the first run.</summary>
    public void Start(TimeSpan jitter, Action<ProbeWorker> onExit)
    {
        _task = Task.Run(async () =>
        {
            try
            {
                await RunAsync(jitter, _stop.Token);
            }
            finally
            {
                _stop.Dispose();
                onExit(this);
            }
        });
    }

    /// <summary>Requests the loop to stop; returns immediately.</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already exited.
        }
    }

    /// <summary>Runs the probe now and restarts the period from now (SPEC §1.3.10). Never blocks.</summary>
    public void Trigger()
    {
        Volatile.Write(ref _manualTrigger, 1);
        _wake.Writer.TryWrite(true);
    }

    internal async Task RunAsync(TimeSpan jitter, CancellationToken ct)
    {
        try
        {
            if (jitter > TimeSpan.Zero)
            {
                await Task.Delay(jitter, _context.Time, ct);
            }

            _timer = _context.Timers.CreateTimer(static s => ((ProbeWorker)s!)._wake.Writer.TryWrite(true), this, AlignedPeriod(), Period);
            while (await ProbeOnceAsync(ct))
            {
                await _wake.Reader.ReadAsync(ct);
                if (Interlocked.Exchange(ref _manualTrigger, 0) == 1)
                {
                    _timer.Change(AlignedPeriod(), Period);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWorkerCrashed(_context.Logger, ex, _pod.Metadata.Name, _pod.Metadata.Namespace, Key.ContainerName, Key.Type);
        }
        finally
        {
            _timer?.Dispose();
            if (_runtimeId is not null)
            {
                _context.Results.Remove(_runtimeId, Key.Type);
            }
        }
    }

    /// <summary>
    /// The wait before the next tick: one period, stretched to the next multiple of
    /// <see cref="ProbeWorkerContext.Alignment"/> on the monotonic clock. Workers with the same period then tick
    /// together, so 1,000 probes a second wake the process a few times per alignment step instead of 1,000 times.
    /// </summary>
    internal TimeSpan AlignedPeriod()
    {
        var step = _context.Alignment.Ticks * _context.Time.TimestampFrequency / TimeSpan.TicksPerSecond;
        if (step <= 0)
        {
            return Period;
        }

        var due = _context.Time.GetTimestamp() + (Period.Ticks * _context.Time.TimestampFrequency / TimeSpan.TicksPerSecond);
        var late = (step - (due % step)) % step;
        return Period + TimeSpan.FromTicks(late * TimeSpan.TicksPerSecond / _context.Time.TimestampFrequency);
    }

    /// <summary>
    /// One evaluation (the kubelet's doProbe): looks at the latest status, decides whether to probe, runs the
    /// probe and applies thresholds. Returns false when the worker should exit.
    /// </summary>
    internal async ValueTask<bool> ProbeOnceAsync(CancellationToken ct)
    {
        var snapshot = _context.Status.GetSnapshot(Key.PodUid);
        if (snapshot is null)
        {
            return true; // Not created yet, or already gone: wait for more information.
        }

        var (pod, status) = snapshot;
        if (status.Phase is "Failed" or "Succeeded")
        {
            return false;
        }

        var c = FindStatus(status.ContainerStatuses) ?? FindStatus(status.InitContainerStatuses);
        if (c is null)
        {
            return true; // Container not created yet, or deleted.
        }

        if (c.ContainerID != _containerId)
        {
            if (_runtimeId is not null)
            {
                _context.Results.Remove(_runtimeId, Key.Type);
            }

            _containerId = c.ContainerID!;
            _runtimeId = ContainerIds.ToRuntimeId(_containerId);
            await SetAsync(_initialValue, ct);
            _onHold = false; // A new container: resume probing.
            _sawRunning = false;
        }

        if (_onHold)
        {
            return true;
        }

        if (c.State?.Running is not { } running)
        {
            if (!_sawRunning && c.State?.Terminated is null)
            {
                // Created but not running yet (its postStart hook is still running: status shows ContainerCreating
                // with the new ID). The kubelet's worker never sees this state, its status being generated only
                // after startContainer returns; a Failure here would stick (nothing probes again before
                // initialDelaySeconds) and the running container would be killed for a probe that never ran.
                return true;
            }

            await SetAsync(ProbeResult.Failure, ct);

            // Exit if the container will not be restarted.
            return c.State?.Terminated is null || EffectiveRestartPolicy(pod) != "Never";
        }

        _sawRunning = true;
        if (pod.Metadata.DeletionTimestamp is not null && Key.Type is ProbeType.Liveness or ProbeType.Startup)
        {
            // Quiet shutdown: a last Success so nothing restarts the container while it is being stopped.
            await SetAsync(ProbeResult.Success, ct);
            return false;
        }

        if (running.StartedAt is { } startedAt
            && (int)(_context.Time.GetUtcNow() - startedAt).TotalSeconds < _settings.InitialDelaySeconds)
        {
            return true;
        }

        if (c.Started == true)
        {
            if (Key.Type == ProbeType.Startup)
            {
                return true; // Stays alive for the container's next instance.
            }
        }
        else if (Key.Type != ProbeType.Startup)
        {
            return true; // Liveness and readiness wait until the container has started.
        }

        var outcome = await RunWithRetriesAsync(new ProbeRequest(pod, status, _container, _runtimeId!, _probe, _settings.Timeout), ct);
        ProbeResult result;
        switch (outcome.Kind)
        {
            case ProbeOutcomeKind.Success:
                result = ProbeResult.Success;
                break;
            case ProbeOutcomeKind.Warning:
                Record(ProbeEvents.ProbeWarning, ProbeEvents.Warned(Key.Type, outcome.Output));
                result = ProbeResult.Success;
                break;
            case ProbeOutcomeKind.Failure:
                Record(ProbeEvents.Unhealthy, ProbeEvents.Failed(Key.Type, outcome.Output));
                result = ProbeResult.Failure;
                break;
            default:
                Record(ProbeEvents.Unhealthy, ProbeEvents.Errored(Key.Type, outcome.Output));
                return true; // Errored: the result is thrown away, not counted.
        }

        if (_lastResult == result)
        {
            _resultRun++;
        }
        else
        {
            _lastResult = result;
            _resultRun = 1;
        }

        if ((result == ProbeResult.Failure && _resultRun < _settings.FailureThreshold)
            || (result == ProbeResult.Success && _resultRun < _settings.SuccessThreshold))
        {
            return true; // Below threshold: the published result stays as it is.
        }

        await SetAsync(result, ct);
        if ((Key.Type == ProbeType.Liveness && result == ProbeResult.Failure) || Key.Type == ProbeType.Startup)
        {
            // The container is going to be restarted (or has started): stop probing until a new container ID,
            // so a dying container is not probed and a startup probe does not run extra times.
            _onHold = true;
            _resultRun = 0;
        }

        return true;
    }

    private async ValueTask<ProbeOutcome> RunWithRetriesAsync(ProbeRequest request, CancellationToken ct)
    {
        var outcome = default(ProbeOutcome);
        for (var i = 0; i < MaxProbeRetries; i++)
        {
            try
            {
                outcome = await _context.Runner.RunAsync(request, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                outcome = ProbeOutcome.Error(ex.Message);
            }

            if (outcome.Kind != ProbeOutcomeKind.Error)
            {
                return outcome;
            }
        }

        LogProbeErrored(_context.Logger, _pod.Metadata.Name, _pod.Metadata.Namespace, Key.ContainerName, Key.Type, outcome.Output);
        return outcome;
    }

    private ValueTask SetAsync(ProbeResult result, CancellationToken ct) =>
        _context.Results.SetAsync(Key, _containerId!, _runtimeId!, result, ct);

    private void Record(string reason, string message) => _context.Events.Record(_reference, ProbeEvents.Warning, reason, message);

    private string? EffectiveRestartPolicy(Pod pod) => _container.RestartPolicy ?? pod.Spec?.RestartPolicy ?? "Always";

    private ContainerStatus? FindStatus(IReadOnlyList<ContainerStatus>? statuses)
    {
        if (statuses is null)
        {
            return null;
        }

        foreach (var s in statuses)
        {
            if (s.Name == Key.ContainerName && !string.IsNullOrEmpty(s.ContainerID))
            {
                return s;
            }
        }

        return null;
    }
}

/// <summary>What every worker of one manager shares.</summary>
internal sealed record ProbeWorkerContext(
    IPodStatusSource Status,
    IProbeRunner Runner,
    ProbeResultsCache Results,
    IEventRecorder Events,
    TimeProvider Time,
    SharedTimers Timers,
    ILogger Logger,
    TimeSpan Alignment = default);
