using Podvisor.Model.Core;

namespace Podvisor.Node.Status;

/// <summary>
/// What a pod worker knows about its pod's runtime side, published to the status manager after every step.
/// Container statuses carry state, lastState, restartCount, containerID, image; ready and started are filled in by
/// <see cref="PodStatusGenerator"/> from the probe results. Immutable.
/// </summary>
public sealed record PodRuntimeView
{
    public bool SandboxReady { get; init; }

    public string? PodIp { get; init; }

    public string? HostIp { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public IReadOnlyList<ContainerStatus> InitContainerStatuses { get; init; } = [];

    public IReadOnlyList<ContainerStatus> ContainerStatuses { get; init; } = [];

    /// <summary>The worker is killing the pod and will restart nothing (deleted, or every regular container is done).</summary>
    public bool PodIsTerminal { get; init; }

    /// <summary>Names of containers whose postStart hook finished (a container is not "started" before).</summary>
    public IReadOnlySet<string> PostStartDone { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>Probe results the status generator needs, by container ID as in the status (process://…); null = no result yet.</summary>
public interface IProbeResults
{
    bool? Readiness(string containerId);

    bool? Startup(string containerId);
}
