using Podvisor.Model.Meta;

namespace Podvisor.Model.Core;

/// <summary>core/v1 Service.</summary>
public sealed record Service : IKubernetesObject<ServiceSpec, ServiceStatus>
{
    public const string KindName = "Service";

    public string? Kind { get; init; } = KindName;

    public string? ApiVersion { get; init; } = "v1";

    public ObjectMeta Metadata { get; init; } = new();

    public ServiceSpec? Spec { get; init; }

    public ServiceStatus? Status { get; init; }
}

public sealed record ServiceSpec
{
    public IReadOnlyList<ServicePort>? Ports { get; init; }

    public IReadOnlyDictionary<string, string>? Selector { get; init; }

    public string? ClusterIP { get; init; }

    public IReadOnlyList<string>? ClusterIPs { get; init; }

    /// <summary>ClusterIP (default), NodePort, LoadBalancer, ExternalName.</summary>
    public string? Type { get; init; }

    public IReadOnlyList<string>? ExternalIPs { get; init; }

    public string? SessionAffinity { get; init; }

    public string? ExternalName { get; init; }

    public string? ExternalTrafficPolicy { get; init; }

    public bool? PublishNotReadyAddresses { get; init; }

    public IReadOnlyList<string>? IpFamilies { get; init; }

    public string? IpFamilyPolicy { get; init; }

    public string? InternalTrafficPolicy { get; init; }
}

public sealed record ServicePort
{
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    public string? AppProtocol { get; init; }

    public int Port { get; init; }

    public IntOrString? TargetPort { get; init; }

    public int? NodePort { get; init; }
}

public sealed record ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }
}

public sealed record LoadBalancerStatus
{
    public IReadOnlyList<LoadBalancerIngress>? Ingress { get; init; }
}

public sealed record LoadBalancerIngress
{
    [System.Text.Json.Serialization.JsonPropertyName("ip")]
    public string? Ip { get; init; }

    public string? Hostname { get; init; }
}
