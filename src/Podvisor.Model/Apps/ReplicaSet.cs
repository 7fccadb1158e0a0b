using System.Text.Json.Serialization;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Apps;

/// <summary>apps/v1 ReplicaSet.</summary>
public sealed record ReplicaSet : IKubernetesObject<ReplicaSetSpec, ReplicaSetStatus>
{
    public const string KindName = "ReplicaSet";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "apps/v1";

    public ObjectMeta Metadata { get; init; } = new();

    public ReplicaSetSpec? Spec { get; init; }

    public ReplicaSetStatus? Status { get; init; }
}

public sealed record ReplicaSetSpec
{
    public int? Replicas { get; init; }

    public int? MinReadySeconds { get; init; }

    public LabelSelector? Selector { get; init; }

    public PodTemplateSpec? Template { get; init; }
}

public sealed record ReplicaSetStatus
{
    public int Replicas { get; init; }

    public int? FullyLabeledReplicas { get; init; }

    public int? ReadyReplicas { get; init; }

    public int? AvailableReplicas { get; init; }

    public int? TerminatingReplicas { get; init; }

    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<ReplicaSetCondition>? Conditions { get; init; }
}

public sealed record ReplicaSetCondition
{
    public string Type { get; init; } = "";

    public string Status { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

/// <summary>autoscaling/v1 Scale, the scale subresource of deployments and replicasets.</summary>
public sealed record Scale : IKubernetesObject<ScaleSpec, ScaleStatus>
{
    public string? Kind { get; init; } = "Scale";

    public string? ApiVersion { get; init; } = "autoscaling/v1";

    public ObjectMeta Metadata { get; init; } = new();

    public ScaleSpec? Spec { get; init; }

    public ScaleStatus? Status { get; init; }
}

public sealed record ScaleSpec
{
    public int? Replicas { get; init; }
}

public sealed record ScaleStatus
{
    public int Replicas { get; init; }

    public string? Selector { get; init; }
}
