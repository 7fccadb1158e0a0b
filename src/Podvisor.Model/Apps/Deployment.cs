using System.Text.Json.Serialization;
using Podvisor.Model.Core;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Apps;

/// <summary>apps/v1 Deployment.</summary>
public sealed record Deployment : IKubernetesObject<DeploymentSpec, DeploymentStatus>
{
    public const string KindName = "Deployment";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "apps/v1";

    public ObjectMeta Metadata { get; init; } = new();

    public DeploymentSpec? Spec { get; init; }

    public DeploymentStatus? Status { get; init; }
}

public sealed record DeploymentSpec
{
    public int? Replicas { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec Template { get; init; } = new();

    public DeploymentStrategy? Strategy { get; init; }

    public int? MinReadySeconds { get; init; }

    public int? RevisionHistoryLimit { get; init; }

    public bool? Paused { get; init; }

    public int? ProgressDeadlineSeconds { get; init; }
}

public sealed record PodTemplateSpec
{
    public ObjectMeta? Metadata { get; init; }

    public PodSpec? Spec { get; init; }
}

public sealed record DeploymentStrategy
{
    /// <summary>RollingUpdate (default) or Recreate.</summary>
    public string? Type { get; init; }

    public RollingUpdateDeployment? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDeployment
{
    public IntOrString? MaxUnavailable { get; init; }

    public IntOrString? MaxSurge { get; init; }
}

public sealed record DeploymentStatus
{
    public long? ObservedGeneration { get; init; }

    public int? Replicas { get; init; }

    public int? UpdatedReplicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public int? UnavailableReplicas { get; init; }

    public int? TerminatingReplicas { get; init; }

    public IReadOnlyList<DeploymentCondition>? Conditions { get; init; }

    public int? CollisionCount { get; init; }
}

public sealed record DeploymentCondition
{
    /// <summary>Available, Progressing, ReplicaFailure.</summary>
    public string Type { get; init; } = "";

    public string Status { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastUpdateTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}
