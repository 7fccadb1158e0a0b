using Microsoft.Extensions.Logging;
using Podvisor.Client;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;
using Podvisor.Node.Restart;
using Podvisor.Runtime;

namespace Podvisor.Node.PodWorkers;

public sealed partial class PodWorker
{
    /// <summary>
    /// SyncTerminatingPod (SPEC §2.5): the termination gate, then regular containers killed in parallel (Killing,
    /// preStop, stop with the remaining grace), then sidecars one at a time in reverse order with what is left of
    /// the grace; already exited containers are left alone. Then the terminal status is computed and written.
    /// </summary>
    private async Task TerminateAsync(CancellationToken ct)
    {
        var (pod, gone) = Latest();
        CollectExits();
        var deleting = gone || pod.Metadata.DeletionTimestamp is not null;
        var grace = deleting
            ? GracePeriods.ForPodDeletion(gone ? null : pod, _terminationGrace)
            : GracePeriods.ForContainerKill(pod, null);
        if (deleting)
        {
            _terminationGrace = grace;
        }

        var started = _ctx.Time.GetTimestamp();
        await _ctx.TerminationGate.WaitAsync(pod, TimeSpan.FromSeconds(grace), ct).ConfigureAwait(false);

        long Remaining() => Math.Max(1, grace - (long)_ctx.Time.GetElapsedTime(started).TotalSeconds);

        var regular = _regular.Where(s => s.Running).Select(s => KillContainerAsync(pod, s, $"Stopping container {s.Name}", Remaining(), ct)).ToList();
        var initRunning = _init.Where(s => s.Running && s.Kind == ContainerKind.Init).Select(s => KillContainerAsync(pod, s, $"Stopping container {s.Name}", Remaining(), ct));
        await Task.WhenAll(regular.Concat(initRunning)).ConfigureAwait(false);
        for (var i = _init.Count - 1; i >= 0; i--)
        {
            var slot = _init[i];
            if (slot.Kind == ContainerKind.Sidecar && slot.Running)
            {
                await KillContainerAsync(pod, slot, $"Stopping container {slot.Name}", Remaining(), ct).ConfigureAwait(false);
            }
        }

        foreach (var slot in _init.Concat(_regular))
        {
            if (slot.Waiting?.Reason == "CrashLoopBackOff" || slot.Waiting is not null && slot.Terminated is not null)
            {
                slot.Waiting = null;
            }
        }

        _podIsTerminal = true;
        if (_sandboxId is not null)
        {
            try
            {
                await _ctx.Runtime.StopPodSandboxAsync(_sandboxId, ct).ConfigureAwait(false);
            }
            catch (RuntimeException ex)
            {
                _ctx.Logger.LogWarning(ex, "Stopping sandbox of {Pod} failed", PodFormat.Key(pod));
            }
        }

        _sandboxReady = false;
        var status = Publish();
        _ctx.Logger.LogInformation("Pod {Pod} terminated with phase {Phase}", PodFormat.Key(pod), status.Phase);
    }

    /// <summary>
    /// The Terminated phase: writes the terminal status, asks for the final delete (grace 0) when the pod was
    /// deleted, and once the object is gone removes everything the runtime holds for it. True when done.
    /// </summary>
    private async Task<bool> FinishAsync(Pod pod, bool gone, CancellationToken ct)
    {
        if (!gone)
        {
            await _ctx.Status.FlushAsync(PodUid, ct).ConfigureAwait(false);
            if (pod.Metadata.DeletionTimestamp is null)
            {
                return false;
            }

            try
            {
                await _ctx.Client.Pods.DeleteAsync(
                    pod.Metadata.Namespace,
                    pod.Metadata.Name!,
                    new DeleteOptions { GracePeriodSeconds = 0, Preconditions = new Preconditions { Uid = pod.Metadata.Uid } },
                    ct).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.IsNotFound || ex.IsConflict)
            {
            }

            return false;
        }

        await CleanupAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the pod's containers and sandbox from the runtime and forgets its status and probes.</summary>
    private async Task CleanupAsync(CancellationToken ct)
    {
        _ctx.Probes.RemovePod(PodUid);
        var mine = (await _ctx.Runtime.ListContainersAsync(ct).ConfigureAwait(false))
            .Where(c => c.Labels.TryGetValue(ContainerLabels.PodUid, out var uid) && uid == PodUid)
            .ToList();
        foreach (var c in mine)
        {
            try
            {
                await _ctx.Runtime.RemoveContainerAsync(c.Id, ct).ConfigureAwait(false);
            }
            catch (RuntimeException ex)
            {
                _ctx.Logger.LogWarning(ex, "Removing container {Container} failed", c.Id);
            }
        }

        foreach (var sandbox in mine.Select(c => c.SandboxId).Append(_sandboxId).OfType<string>().Distinct())
        {
            try
            {
                await _ctx.Runtime.RemovePodSandboxAsync(sandbox, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RuntimeException or IOException)
            {
                _ctx.Logger.LogWarning(ex, "Removing sandbox {Sandbox} failed", sandbox);
            }
        }

        _ctx.Status.RemovePod(PodUid);
        foreach (var slot in _init.Concat(_regular))
        {
            _ctx.BackOff.Reset(CrashLoopBackOff.Key(_latest, slot.Spec));
        }
    }
}
