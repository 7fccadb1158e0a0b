using System.Text.Json.Serialization;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

public sealed record PodStatus
{
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
