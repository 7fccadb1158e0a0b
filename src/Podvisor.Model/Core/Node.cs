using System.Text.Json.Serialization;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Node (cluster-scoped).</summary>
public sealed record Node : IKubernetesObject<NodeSpec, NodeStatus>
{
    public const string KindName = "Node";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public NodeSpec? Spec { get; init; }

    public NodeStatus? Status { get; init; }
}

public sealed record NodeSpec
{
    public string? PodCIDR { get; init; }

    public IReadOnlyList<string>? PodCIDRs { get; init; }

    public bool? Unschedulable { get; init; }

    public IReadOnlyList<Taint>? Taints { get; init; }
}

public sealed record Taint
{
    public string Key { get; init; } = "";

    public string? Value { get; init; }

    public string Effect { get; init; } = "";
}

public sealed record NodeStatus
{
    public IReadOnlyDictionary<string, Quantity>? Capacity { get; init; }

    public IReadOnlyDictionary<string, Quantity>? Allocatable { get; init; }

    public IReadOnlyList<NodeCondition>? Conditions { get; init; }

    public IReadOnlyList<NodeAddress>? Addresses { get; init; }

    public NodeDaemonEndpoints? DaemonEndpoints { get; init; }

    public NodeSystemInfo? NodeInfo { get; init; }
}

public sealed record NodeDaemonEndpoints
{
    public DaemonEndpoint? KubeletEndpoint { get; init; }
}

public sealed record DaemonEndpoint
{
    /// <summary>Capitalised on the wire, as in Kubernetes: {"Port": 10250}.</summary>
    [JsonPropertyName("Port")]
    public int Port { get; init; }
}

public sealed record NodeCondition
{
    public string Type { get; init; } = "";

    public string Status { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastHeartbeatTime { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

public sealed record NodeAddress
{
    public string Type { get; init; } = "";

    public string Address { get; init; } = "";
}

public sealed record NodeSystemInfo
{
    public string MachineID { get; init; } = "";

    public string SystemUUID { get; init; } = "";

    public string BootID { get; init; } = "";

    public string KernelVersion { get; init; } = "";

    public string OsImage { get; init; } = "";

    public string ContainerRuntimeVersion { get; init; } = "";

    public string KubeletVersion { get; init; } = "";

    public string KubeProxyVersion { get; init; } = "";

    public string OperatingSystem { get; init; } = "";

    public string Architecture { get; init; } = "";
}
