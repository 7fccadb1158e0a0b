using Podvisor.Model.Core;
using Podvisor.Runtime;

namespace Podvisor.Node.PodWorkers;

public enum ContainerKind
{
    Init,
    Sidecar,
    Regular,
}

/// <summary>
/// The pod worker's mutable record of one container of its pod (all instances over time). Owned and touched by
/// exactly one worker loop; the status manager only ever sees the <see cref="ContainerStatus"/> built from it.
/// </summary>
internal sealed class ContainerSlot(Container spec, ContainerKind kind)
{
    public Container Spec { get; set; } = spec;

    public ContainerKind Kind { get; } = kind;

    public string Name => Spec.Name;

    /// <summary>Runtime id of the current (latest) instance, null before the first create.</summary>
    public string? ContainerId { get; set; }

    /// <summary>restartCount of the current instance; -1 before the first.</summary>
    public int Attempt { get; set; } = -1;

    public bool Running { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public bool PostStartDone { get; set; }

    /// <summary>The current instance's end, once it exited.</summary>
    public ContainerStateTerminated? Terminated { get; set; }

    /// <summary>The previous instance's end.</summary>
    public ContainerStateTerminated? LastTerminated { get; set; }

    /// <summary>An explicit waiting state (CrashLoopBackOff, CreateContainerConfigError...) shown instead of Terminated.</summary>
    public ContainerStateWaiting? Waiting { get; set; }

    public Task<ContainerStatusInfo>? ExitTask { get; set; }

    /// <summary>Restart on the next sync regardless of policy/exit code (a liveness/startup kill under Always/OnFailure).</summary>
    public bool ForceRestart { get; set; }

    /// <summary>The current instance was started by this pod (not adopted in an unknown hook state).</summary>
    public bool EverCreated => ContainerId is not null || Attempt >= 0;

    public string? Image => Spec.Image;

    public string StatusContainerId(string runtimeName) => $"{runtimeName}://{ContainerId}";

    public ContainerStatus ToStatus(string runtimeName, bool podHasInitContainers)
    {
        ContainerState state;
        ContainerState? lastState = LastTerminated is null ? null : new ContainerState { Terminated = LastTerminated };
        if (Waiting is not null)
        {
            state = new ContainerState { Waiting = Waiting };
            if (Terminated is not null)
            {
                lastState = new ContainerState { Terminated = Terminated };
            }
        }
        else if (Running)
        {
            state = PostStartDone
                ? new ContainerState { Running = new ContainerStateRunning { StartedAt = StartedAt } }
                : ContainerState.OfWaiting(Kind == ContainerKind.Regular ? "ContainerCreating" : "PodInitializing");
        }
        else if (Terminated is not null)
        {
            state = new ContainerState { Terminated = Terminated };
        }
        else
        {
            state = ContainerState.OfWaiting(podHasInitContainers ? "PodInitializing" : "ContainerCreating");
        }

        return new ContainerStatus
        {
            Name = Name,
            State = state,
            LastState = lastState,
            RestartCount = Math.Max(0, Attempt),
            Image = Spec.Image ?? "",
            ImageID = Spec.Image ?? "",
            ContainerID = ContainerId is null ? null : StatusContainerId(runtimeName),
        };
    }
}
