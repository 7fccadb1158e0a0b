using Microsoft.Extensions.Logging;
using Podvisor.Model.Core;
using Podvisor.Node.Prober;
using Podvisor.Node.Restart;
using Podvisor.Runtime;

namespace Podvisor.Node.PodWorkers;

public sealed partial class PodWorker
{
    /// <summary>
    /// SyncPod (SPEC §2.1): sandbox, init containers one at a time, sidecars gating the next init container,
    /// regular containers in spec order with blocking postStart, restarts per policy with back-off, probe kills.
    /// Returns true when the pod is finished: nothing is running that should be, and nothing will be restarted.
    /// </summary>
    private async Task<bool> SyncPodAsync(Pod pod, CancellationToken ct)
    {
        CollectExits();
        await HandleProbeResultsAsync(pod, ct).ConfigureAwait(false);
        CollectExits();

        if (_sandboxId is null)
        {
            if (!await CreateSandboxAsync(pod, ct).ConfigureAwait(false))
            {
                return false;
            }
        }

        if (!PodStatusCalculatorHasRegularStarted())
        {
            foreach (var slot in _init)
            {
                if (slot.Kind == ContainerKind.Sidecar)
                {
                    if (!slot.Running)
                    {
                        await StartOrBackOffAsync(pod, slot, ct).ConfigureAwait(false);
                    }

                    if (!IsStarted(slot))
                    {
                        return false;
                    }

                    continue;
                }

                if (slot.Terminated is { ExitCode: 0 } && slot.Waiting is null && !slot.Running)
                {
                    continue;
                }

                if (slot.Running)
                {
                    return false;
                }

                if (slot.Terminated is not null && PodFormat.RestartPolicy(pod) == "Never")
                {
                    return true;
                }

                await StartOrBackOffAsync(pod, slot, ct).ConfigureAwait(false);
                return false;
            }
        }

        foreach (var slot in _init)
        {
            if (slot.Kind == ContainerKind.Sidecar && !slot.Running)
            {
                await StartOrBackOffAsync(pod, slot, ct).ConfigureAwait(false);
            }
        }

        var restartPolicy = PodFormat.RestartPolicy(pod);
        foreach (var slot in _regular)
        {
            if (slot.Running)
            {
                continue;
            }

            if (slot.Terminated is { } t && !slot.ForceRestart && !RestartRules.ShouldRestart(restartPolicy, t.ExitCode))
            {
                continue;
            }

            await StartOrBackOffAsync(pod, slot, ct).ConfigureAwait(false);
        }

        return _regular.All(s => !s.Running && s.Terminated is { } t && !s.ForceRestart && !RestartRules.ShouldRestart(restartPolicy, t.ExitCode));
    }

    private bool PodStatusCalculatorHasRegularStarted() => _regular.Any(s => s.EverCreated);

    /// <summary>Sidecar "started": running, postStart done, and startup probe succeeded when it has one.</summary>
    private bool IsStarted(ContainerSlot slot)
    {
        if (!slot.Running || !slot.PostStartDone)
        {
            return false;
        }

        return slot.Spec.StartupProbe is null || _ctx.Probes.Startup(slot.StatusContainerId(_ctx.Runtime.Name)) == true;
    }

    private async Task<bool> CreateSandboxAsync(Pod pod, CancellationToken ct)
    {
        try
        {
            var sandbox = await _ctx.Runtime.RunPodSandboxAsync(
                new PodSandboxConfig
                {
                    PodUid = PodFormat.Uid(pod),
                    PodName = pod.Metadata.Name ?? "",
                    PodNamespace = pod.Metadata.Namespace ?? "",
                    HostNetwork = pod.Spec?.HostNetwork == true,
                    LogDirectory = LogDirectory(pod),
                    // Every volume, so a runtime that cannot provide one (process: none) says so instead of starting
                    // containers without their files.
                    Volumes = (pod.Spec?.Volumes ?? [])
                        .Select(v => new SandboxVolume(v.Name, v.SourceKind() ?? "emptyDir", v.HostPath?.Path))
                        .ToList(),
                },
                ct).ConfigureAwait(false);
            _sandboxId = sandbox.Id;
            _podIp = sandbox.PodIp;
            _hostIp = sandbox.HostIp;
            _sandboxReady = true;
            _startTime ??= _ctx.Time.GetUtcNow();
            Publish();
            return true;
        }
        catch (RuntimeException ex)
        {
            _ctx.Events.Record(PodEvents.Reference(pod), PodEvents.Warning, PodEvents.FailedCreatePodSandBox, $"Failed to create pod sandbox: {ex.Message}");
            _startTime ??= _ctx.Time.GetUtcNow();
            WakeAfter(TimeSpan.FromSeconds(10));
            return false;
        }
    }

    private string LogDirectory(Pod pod) =>
        Path.Combine(_ctx.PodLogDirectory, $"{pod.Metadata.Namespace}_{pod.Metadata.Name}_{pod.Metadata.Uid}");

    /// <summary>Starts the slot's first instance, or restarts it unless it is in crash-loop back-off.</summary>
    private async Task StartOrBackOffAsync(Pod pod, ContainerSlot slot, CancellationToken ct)
    {
        if (slot.Terminated is not null || slot.Waiting is not null)
        {
            var key = CrashLoopBackOff.Key(pod, slot.Spec);
            var finishedAt = slot.Terminated?.FinishedAt ?? _ctx.Time.GetUtcNow();
            if (_ctx.BackOff.ShouldDelayRestart(key, finishedAt, out var backOff, out var remaining))
            {
                if (slot.Waiting?.Reason != BackOffMessages.CrashLoopBackOffReason)
                {
                    _ctx.Events.Record(PodEvents.Reference(pod, slot.Spec), PodEvents.Warning, BackOffMessages.BackOffReason, BackOffMessages.Event(slot.Name, pod));
                }

                slot.Waiting = new ContainerStateWaiting
                {
                    Reason = BackOffMessages.CrashLoopBackOffReason,
                    Message = BackOffMessages.Waiting(backOff, slot.Name, pod),
                };
                Publish();
                WakeAfter(remaining);
                return;
            }
        }

        await StartContainerAsync(pod, slot, ct).ConfigureAwait(false);
    }

    /// <summary>startContainer: image, create, start, then the blocking postStart hook (SPEC §2.1.5–2.1.8).</summary>
    private async Task StartContainerAsync(Pod pod, ContainerSlot slot, CancellationToken ct)
    {
        var container = slot.Spec;
        var reference = PodEvents.Reference(pod, container);
        var attempt = slot.Attempt + 1;
        _ctx.Events.Record(reference, PodEvents.Normal, PodEvents.Pulled, $"Container image \"{container.Image}\" already present on machine");

        string containerId;
        try
        {
            var env = await EnvResolver.ResolveAsync(pod, container, _podIp, _hostIp, _ctx.Client, ct).ConfigureAwait(false);
            var logPath = Path.Combine(LogDirectory(pod), container.Name, $"{attempt}.log");
            containerId = await _ctx.Runtime.CreateContainerAsync(
                _sandboxId!,
                new ContainerConfig
                {
                    PodUid = PodFormat.Uid(pod),
                    Name = container.Name,
                    Attempt = attempt,
                    Image = container.Image ?? "",
                    Command = EnvResolver.ExpandAll(container.Command, env),
                    Args = EnvResolver.ExpandAll(container.Args, env),
                    WorkingDir = container.WorkingDir,
                    Env = env,
                    LogPath = logPath,
                    Stdin = container.Stdin == true,
                    Tty = container.Tty == true,
                    Labels = ContainerLabels.For(pod, container, attempt, slot.Kind.ToString()),
                },
                ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ContainerConfigException or RuntimeException)
        {
            var reason = ex is RuntimeException { Reason: RuntimeErrorReason.CreateContainerError } ? "CreateContainerError" : "CreateContainerConfigError";
            _ctx.Events.Record(reference, PodEvents.Warning, PodEvents.Failed, $"Error: {ex.Message}");
            MarkStartFailure(slot, reason, ex.Message);
            return;
        }

        _ctx.Events.Record(reference, PodEvents.Normal, PodEvents.Created, $"Created container: {container.Name}");
        slot.LastTerminated = slot.Terminated ?? slot.LastTerminated;
        slot.Terminated = null;
        slot.Waiting = null;
        slot.ForceRestart = false;
        slot.PostStartDone = false;
        slot.ContainerId = containerId;
        slot.Attempt = attempt;
        try
        {
            await _ctx.Runtime.StartContainerAsync(containerId, ct).ConfigureAwait(false);
        }
        catch (RuntimeException ex)
        {
            _ctx.Events.Record(reference, PodEvents.Warning, PodEvents.Failed, $"Error: {ex.Message}");
            var now = _ctx.Time.GetUtcNow();
            slot.Running = false;
            slot.Terminated = new ContainerStateTerminated
            {
                ExitCode = 128,
                Reason = "StartError",
                Message = ex.Message,
                StartedAt = now,
                FinishedAt = now,
                ContainerID = slot.StatusContainerId(_ctx.Runtime.Name),
            };
            Publish();
            WakeAfter(TimeSpan.Zero);
            return;
        }

        slot.Running = true;
        var info = await _ctx.Runtime.ContainerStatusAsync(containerId, ct).ConfigureAwait(false);
        slot.StartedAt = info?.StartedAt ?? _ctx.Time.GetUtcNow();
        slot.ExitTask = WatchExit(containerId);
        _ctx.Events.Record(reference, PodEvents.Normal, PodEvents.Started, $"Started container {container.Name}");

        if (container.Lifecycle?.PostStart is { } postStart)
        {
            Publish();
            var failure = await _ctx.Hooks.RunAsync(pod, container, containerId, postStart, _podIp, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (failure is not null)
            {
                _ctx.Events.Record(reference, PodEvents.Warning, PodEvents.FailedPostStartHook, failure);
                await KillContainerAsync(pod, slot, "FailedPostStartHook", GracePeriods.ForContainerKill(pod, null), ct).ConfigureAwait(false);
                slot.ForceRestart = PodFormat.RestartPolicy(pod) != "Never" || slot.Kind != ContainerKind.Regular;
                WakeAfter(TimeSpan.Zero);
                return;
            }
        }

        slot.PostStartDone = true;
        Publish();
    }

    private void MarkStartFailure(ContainerSlot slot, string reason, string message)
    {
        slot.Waiting = new ContainerStateWaiting { Reason = reason, Message = message };
        Publish();
        WakeAfter(TimeSpan.FromSeconds(10));
    }

    /// <summary>Liveness/startup failures kill and (per policy) restart; startup success and readiness refresh status.</summary>
    private async Task HandleProbeResultsAsync(Pod pod, CancellationToken ct)
    {
        while (_probeResults.TryDequeue(out var update))
        {
            var slot = _init.Concat(_regular).FirstOrDefault(s => s.Name == update.Key.ContainerName);
            if (slot is null || !slot.Running || slot.ContainerId is null || update.ContainerId != slot.StatusContainerId(_ctx.Runtime.Name))
            {
                continue;
            }

            if (update.Key.Type == ProbeType.Readiness || update.Result != ProbeResult.Failure)
            {
                Publish();
                if (update.Key.Type == ProbeType.Startup && update.Result == ProbeResult.Success)
                {
                    _ctx.Probes.TriggerReadiness(PodFormat.Uid(pod), slot.Name);
                }

                continue;
            }

            if (pod.Metadata.DeletionTimestamp is not null || slot.Kind == ContainerKind.Init)
            {
                continue;
            }

            var probeName = update.Key.Type == ProbeType.Liveness ? "liveness" : "startup";
            var probe = update.Key.Type == ProbeType.Liveness ? slot.Spec.LivenessProbe : slot.Spec.StartupProbe;
            var restart = slot.Kind == ContainerKind.Sidecar || PodFormat.RestartPolicy(pod) != "Never";
            var message = slot.Kind == ContainerKind.Sidecar
                ? $"Init container {slot.Name} failed {probeName} probe"
                : $"Container {slot.Name} failed {probeName} probe" + (restart ? ", will be restarted" : "");
            await KillContainerAsync(pod, slot, message, GracePeriods.ForContainerKill(pod, probe), ct).ConfigureAwait(false);
            slot.ForceRestart = restart;
        }
    }

    /// <summary>
    /// killContainer (SPEC §1.10.3): Killing event, preStop bounded by the grace period, then StopContainer with
    /// the remaining whole seconds (at least 2 s). The exit is recorded in the slot.
    /// </summary>
    private async Task KillContainerAsync(Pod pod, ContainerSlot slot, string message, long graceSeconds, CancellationToken ct)
    {
        if (!slot.Running || slot.ContainerId is not { } containerId)
        {
            return;
        }

        var reference = PodEvents.Reference(pod, slot.Spec);
        _ctx.Events.Record(reference, PodEvents.Normal, PodEvents.Killing, message);
        var started = _ctx.Time.GetTimestamp();
        if (slot.Spec.Lifecycle?.PreStop is { } preStop && graceSeconds > 0)
        {
            using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(graceSeconds), _ctx.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, ct);
            var failure = await _ctx.Hooks.RunAsync(pod, slot.Spec, containerId, preStop, _podIp, linked.Token).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (failure is not null && !budget.IsCancellationRequested)
            {
                _ctx.Events.Record(reference, PodEvents.Warning, PodEvents.FailedPreStopHook, failure);
            }
        }

        var timeout = GracePeriods.StopTimeoutAfterPreStop(graceSeconds, _ctx.Time.GetElapsedTime(started));
        _ctx.Logger.LogDebug("Stopping container {Container} of {Pod} with {Timeout}", slot.Name, PodFormat.Key(pod), timeout);
        try
        {
            await _ctx.Runtime.StopContainerAsync(containerId, timeout, ct).ConfigureAwait(false);
        }
        catch (RuntimeException ex) when (ex.Reason == RuntimeErrorReason.NotFound)
        {
        }

        if (slot.ExitTask is { } exit)
        {
            try
            {
                await exit.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (RuntimeException)
            {
            }
        }

        CollectExits();
        Publish();
    }
}
