using System.Text.Json.Serialization;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

public sealed record PodStatus
{
    /// <summary>The metadata.generation the status was computed for (Kubernetes 1.33+); accepted, not yet written.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Pending, Running, Succeeded, Failed, Unknown.</summary>
    public string? Phase { get; init; }

    public IReadOnlyList<PodCondition>? Conditions { get; init; }

    public string? Message { get; init; }

    public string? Reason { get; init; }

    public string? NominatedNodeName { get; init; }

    public string? HostIP { get; init; }

    public IReadOnlyList<HostIP>? HostIPs { get; init; }

    public string? PodIP { get; init; }

    public IReadOnlyList<PodIP>? PodIPs { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public IReadOnlyList<ContainerStatus>? InitContainerStatuses { get; init; }

    public IReadOnlyList<ContainerStatus>? ContainerStatuses { get; init; }

    /// <summary>Guaranteed, Burstable, BestEffort.</summary>
    public string? QosClass { get; init; }
}

public sealed record PodIP
{
    [JsonPropertyName("ip")]
    public string Ip { get; init; } = "";
}

public sealed record HostIP
{
    [JsonPropertyName("ip")]
    public string Ip { get; init; } = "";
}

public sealed record PodCondition
{
    /// <summary>PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready, DisruptionTarget.</summary>
    public string Type { get; init; } = "";

    /// <summary>True, False, Unknown.</summary>
    public string Status { get; init; } = "";

    public long? ObservedGeneration { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastProbeTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

public sealed record ContainerStatus
{
    public string Name { get; init; } = "";

    public ContainerState? State { get; init; }

    public ContainerState? LastState { get; init; }

    public bool Ready { get; init; }

    public int RestartCount { get; init; }

    public string Image { get; init; } = "";

    public string ImageID { get; init; } = "";

    public string? ContainerID { get; init; }

    public bool? Started { get; init; }

    // Reported by newer kubelets; accepted so status exported from a cluster decodes, not yet written by Podvisor.
    public IReadOnlyDictionary<string, Quantity>? AllocatedResources { get; init; }

    public ResourceRequirements? Resources { get; init; }

    public IReadOnlyList<VolumeMountStatus>? VolumeMounts { get; init; }

    public ContainerUser? User { get; init; }
}

/// <summary>Exactly one of waiting, running or terminated is set.</summary>
public sealed record ContainerState
{
    public ContainerStateWaiting? Waiting { get; init; }

    public ContainerStateRunning? Running { get; init; }

    public ContainerStateTerminated? Terminated { get; init; }

    public static ContainerState OfWaiting(string reason, string? message = null) =>
        new() { Waiting = new ContainerStateWaiting { Reason = reason, Message = message } };
}

public sealed record ContainerStateWaiting
{
    public string? Reason { get; init; }

    public string? Message { get; init; }
}

public sealed record ContainerStateRunning
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? StartedAt { get; init; }
}

public sealed record ContainerStateTerminated
{
    public int ExitCode { get; init; }

    public int? Signal { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? FinishedAt { get; init; }

    public string? ContainerID { get; init; }
}

public sealed record VolumeMountStatus
{
    public string Name { get; init; } = "";

    public string MountPath { get; init; } = "";

    public bool? ReadOnly { get; init; }

    public string? RecursiveReadOnly { get; init; }
}

public sealed record ContainerUser
{
    public LinuxContainerUser? Linux { get; init; }
}

public sealed record LinuxContainerUser
{
    public long Uid { get; init; }

    public long Gid { get; init; }

    public IReadOnlyList<long>? SupplementalGroups { get; init; }
}
